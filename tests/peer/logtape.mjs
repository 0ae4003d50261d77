// Records what @logtape/redaction 2.3.7 does with the cases of
// tests/vectors/peer/logtape.json, for tests/sanitize_peer.rs to compare
// with barg. The package is not part of barg; to run this again:
//
//   mkdir -p /tmp/peer && cd /tmp/peer && npm pack @logtape/redaction@2.3.7
//   mkdir -p node_modules/@logtape/redaction
//   tar xzf logtape-redaction-2.3.7.tgz -C node_modules/@logtape/redaction --strip-components=1
//   # its one import, getLogger from @logtape/logtape, only logs its own warnings:
//   mkdir -p node_modules/@logtape/logtape
//   echo '{"name":"@logtape/logtape","type":"module","exports":"./index.js"}' > node_modules/@logtape/logtape/package.json
//   echo 'export function getLogger() { return { warn() {} }; }' > node_modules/@logtape/logtape/index.js
//   node /path/to/barg/tests/peer/logtape.mjs /path/to/barg/tests/vectors/peer/logtape.json
//
// It rewrites the `logtape` fields of the vector file in place.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// Resolved from the working directory, where the package was unpacked.
const {
  CREDIT_CARD_NUMBER_PATTERN,
  DEFAULT_REDACT_FIELDS,
  EMAIL_ADDRESS_PATTERN,
  JWT_PATTERN,
  KR_RRN_PATTERN,
  US_SSN_PATTERN,
} = await import(
  pathToFileURL(join(process.cwd(), "node_modules/@logtape/redaction/dist/mod.js")).href
);

const patterns = [
  CREDIT_CARD_NUMBER_PATTERN,
  EMAIL_ADDRESS_PATTERN,
  JWT_PATTERN,
  US_SSN_PATTERN,
  KR_RRN_PATTERN,
];

// What redactByPattern does to a string: each pattern's replaceAll in turn.
function redactText(text) {
  for (const { pattern, replacement } of patterns) {
    text = text.replaceAll(pattern, replacement);
  }
  return text;
}

const path = process.argv[2];
const doc = JSON.parse(readFileSync(path, "utf8"));
for (const c of doc.texts) c.logtape = redactText(c.text);
for (const c of doc.keys) c.logtape = DEFAULT_REDACT_FIELDS.some((re) => re.test(c.key));
writeFileSync(path, JSON.stringify(doc, null, 2) + "\n");
