// The committed TypeScript declarations (ts/barg.d.ts, generated from the Rust
// types) compile under `tsc --strict`, and type the events of every kind.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

import { root } from "./ajv.mjs";

test("ts/barg.d.ts type-checks the events of every kind", () => {
  const tsc = join(root, "tests", "js", "node_modules", ".bin", "tsc");
  execFileSync(
    tsc,
    ["--noEmit", "--strict", "--target", "es2020", "--moduleResolution", "bundler", "--module", "esnext",
      join(root, "ts", "barg.d.ts"), join(root, "tests", "js", "types-usage.ts")],
    { stdio: "inherit" },
  );
});
