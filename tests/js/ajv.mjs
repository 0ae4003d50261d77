// ajv 2020-12 with ajv-formats, set up for barg's published schema. Shared by
// the vector test (tests/js/vectors.test.mjs) and the benchmark (bench/ajv.mjs).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** barg's schema for `mode` ("strict" or "lenient"), from `barg schema`. */
export function schema(mode = "strict") {
  const barg = process.env.BARG ?? join(root, "target", "debug", "barg");
  const args = mode === "lenient" ? ["schema", "--lenient"] : ["schema"];
  return JSON.parse(execFileSync(barg, args, { encoding: "utf8" }));
}

/** A compiled ajv validator of `schema`. */
export function compile(schema) {
  // strictRequired is off: the kind branches' `if` name required fields
  // whose definitions live in the payload schemas, which is correct JSON Schema.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  // Stock ajv: the schema uses no format of its own.
  addFormats(ajv);
  return ajv.compile(schema);
}

/**
 * ajv's verdict on raw bytes: invalid when they are not UTF-8 or not JSON
 * (what JSON.parse refuses), else the schema's verdict.
 */
export function verdict(validate, bytes) {
  let value;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { valid: false, errors: ["not UTF-8 JSON"] };
  }
  const valid = validate(value);
  return { valid, errors: valid ? [] : validate.errors };
}
