// ajv, an independent validator, over every vector of tests/vectors/ with
// barg's published schema: its valid/invalid verdict must be barg's. For
// tests/vectors/check/ that is the vector's expected violations; for
// tests/vectors/format/, whether it expects an error (the Rust tests hold the
// validator to the same verdict there).
// A vector flagged `beyond_schema` breaks a rule that JSON Schema cannot
// express (the schema's description lists them): there ajv must find the
// event valid, so that every flag is needed and no other vector differs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { compile, root, schema, verdict } from "./ajv.mjs";

const validators = { strict: compile(schema("strict")), lenient: compile(schema("lenient")) };

function vectors() {
  const out = [];
  for (const group of ["valid", "invalid"]) {
    const dir = join(root, "tests", "vectors", "check", group);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
      out.push({ group, name: file, doc: JSON.parse(readFileSync(join(dir, file), "utf8")) });
    }
  }
  return out;
}

function bytes(doc) {
  return doc.input_hex !== undefined ? Buffer.from(doc.input_hex, "hex") : Buffer.from(doc.input, "utf8");
}

function formatVectors() {
  const dir = join(root, "tests", "vectors", "format");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((name) => ({ name, doc: JSON.parse(readFileSync(join(dir, name), "utf8")) }));
}

const all = vectors();

test("there are vectors of both groups", () => {
  assert.ok(all.some((v) => v.group === "valid"));
  assert.ok(all.some((v) => v.group === "invalid"));
});

for (const { group, name, doc } of all) {
  test(`${group}/${name}`, () => {
    const barg = doc.expect.violations.length === 0;
    assert.equal(barg, group === "valid", "the vector's group is barg's verdict");
    const mode = doc.mode ?? doc.config?.mode ?? "strict";
    const ajv = verdict(validators[mode], bytes(doc));
    if (doc.beyond_schema) {
      assert.equal(barg, false, "only invalid vectors break a rule beyond the schema");
      assert.equal(ajv.valid, true, `flagged ${doc.beyond_schema}: ajv cannot see it, so it must find the event valid`);
    } else {
      assert.equal(ajv.valid, barg, `ajv says ${ajv.valid ? "valid" : "invalid"}: ${JSON.stringify(ajv.errors)}`);
    }
  });
}

const formats = formatVectors();

test("there are format vectors", () => assert.ok(formats.length > 0));

for (const { name, doc } of formats) {
  test(`format/${name}`, () => {
    const input = typeof doc.input === "string" ? doc.input : JSON.stringify(doc.input);
    const barg = doc.expect.error === undefined;
    const ajv = verdict(validators.strict, Buffer.from(input, "utf8"));
    assert.equal(ajv.valid, barg, `ajv says ${ajv.valid ? "valid" : "invalid"}: ${JSON.stringify(ajv.errors)}`);
  });
}
