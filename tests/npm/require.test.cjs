// The released package from CommonJS.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const barg = require("barg");

test("require('barg') formats and routes", () => {
  const event = { timestamp: "2025-12-26T10:30:45Z", level: "ERROR", logger: "shop.payments", message: "failed" };
  assert.equal(barg.format(event, "simple"), "[ERROR] 2025-12-26 10:30:45 shop.payments | failed");
  assert.deepEqual(barg.route(event), ["derakht.log", "errors.log"]);
});
