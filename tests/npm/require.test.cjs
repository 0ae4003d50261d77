// The released package from CommonJS.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const barg = require("barg");

test("require('barg') formats and routes", () => {
  const event = { timestamp: "2025-12-26T10:30:45Z", level: "ERROR", logger: "shop.payments", message: "failed" };
  assert.equal(barg.format(event, "simple"), "[ERROR] 2025-12-26 10:30:45 shop.payments | failed");
  assert.deepEqual(barg.route(event), ["derakht.log", "errors.log"]);
});

test("require('barg/transport') sends a batch, validated and sanitized", async () => {
  const { createTransport } = require("barg/transport");
  const bodies = [];
  const fetch = async (url, init) => {
    bodies.push(init.body);
    return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({ accepted: 1, rejected: 0, results: [] }) };
  };
  const transport = createTransport({ url: "http://127.0.0.1:9/v1/events", fetch });
  transport.log({ timestamp: "2025-12-26T10:30:45Z", level: "info", logger: "shop", message: "card 4111 1111 1111 1111" });
  await transport.close();
  assert.deepEqual(JSON.parse(bodies[0]), [
    { timestamp: "2025-12-26T10:30:45.000000Z", level: "INFO", logger: "shop", message: "card [REDACTED]", extra_data: {} },
  ]);
});
