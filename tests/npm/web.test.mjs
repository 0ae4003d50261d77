// The web target, as a page or an edge worker loads it: initialised from
// the wasm bytes, with no bundler.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, format } from "barg/web";

test("barg/web works after initSync", () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve("barg/web/barg_bg.wasm"));
  initSync({ module: wasm });
  const event = { timestamp: "2025-12-26T10:30:45Z", level: "INFO", logger: "blog", message: "Post viewed" };
  assert.equal(format(event, "simple"), "[INFO] 2025-12-26 10:30:45 blog | Post viewed");
});

test("barg/transport from ESM, and barg/web/transport after initSync, need no DOM", async () => {
  const { createTransport } = await import("barg/transport");
  const web = await import("barg/web/transport");
  for (const make of [createTransport, web.createTransport]) {
    const bodies = [];
    const fetch = async (url, init) => {
      bodies.push(JSON.parse(init.body));
      return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({}) };
    };
    const transport = make({ url: "http://127.0.0.1:9/v1/events", fetch });
    transport.log({ level: "INFO", logger: "blog", message: "Post viewed" });
    await transport.close();
    assert.equal(bodies[0][0].message, "Post viewed");
    assert.equal(transport.stats().sent, 1);
  }
});
