// ajv validating the same events as `cargo bench --bench validate`, with
// barg's published schema: the valid example day and its broken copy. Prints
// a table of medians over repeated passes; `bench/compare` runs both.
//
//   BARG=target/release/barg node bench/ajv.mjs
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { compile, root, schema } from "../tests/js/ajv.mjs";

const validate = compile(schema("strict"));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median seconds per pass over `lines`, of `passes` passes after warming up. */
function time(lines, run, passes = 60) {
  for (let i = 0; i < 20; i++) run(lines);
  const samples = [];
  for (let i = 0; i < passes; i++) {
    const start = process.hrtime.bigint();
    run(lines);
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(samples);
}

const parseAndValidate = (lines) => {
  let valid = 0;
  for (const line of lines) {
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (validate(value)) valid++;
  }
  return valid;
};

const rows = [];
for (const [name, path] of [
  ["valid", "examples/events.ndjson"],
  ["invalid", "bench/invalid-events.ndjson"],
]) {
  const lines = readFileSync(join(root, path), "utf8").split("\n").filter((l) => l.length > 0);
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  const parsed = lines.map((l) => JSON.parse(l));
  const validOnly = (values) => values.filter((v) => validate(v)).length;
  const accepted = parseAndValidate(lines);
  const seconds = time(lines, parseAndValidate);
  const schemaOnly = time(parsed, validOnly);
  rows.push({
    events: name,
    count: lines.length,
    accepted,
    "JSON.parse + ajv: events/s": Math.round(lines.length / seconds),
    "MB/s": +(bytes / seconds / 1e6).toFixed(1),
    "ajv alone: events/s": Math.round(lines.length / schemaOnly),
  });
}
console.table(rows);
