// The released npm package, installed from its tarball into a scratch
// project, exercised from ESM with node --test.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as barg from "barg";

const event = {
  timestamp: "2025-12-26T10:30:45.123456Z",
  level: "info",
  logger: "stories.generation",
  message: "Story created from template: 42",
  module: "views",
  function: "start_story",
  line: 122,
  extra_data: { story_id: 5001 },
};

test("format takes an object or JSON text and prints the seed's lines", () => {
  assert.equal(
    barg.format(event, "verbose"),
    "[INFO] 2025-12-26 10:30:45 stories.generation views.start_story:122 | Story created from template: 42",
  );
  assert.equal(
    barg.format(JSON.stringify(event), "simple"),
    "[INFO] 2025-12-26 10:30:45 stories.generation | Story created from template: 42",
  );
  assert.equal(
    barg.format(event, "json"),
    '{"timestamp":"2025-12-26T10:30:45.123456Z","level":"INFO","logger":"stories.generation","message":"Story created from template: 42","module":"views","function":"start_story","line":122,"extra_data":{"story_id":5001}}',
  );
  assert.equal(barg.format(event, "simple", { zone: "+03:30" }).slice(0, 26), "[INFO] 2025-12-26 14:00:45");
});

test("a newline in a message cannot forge a second line", () => {
  const line = barg.format({ ...event, message: "a\n[CRITICAL] forged" }, "simple");
  assert.equal(line.split("\n").length, 1);
  assert.ok(line.endsWith("| a\\n[CRITICAL] forged"));
});

test("errors are exceptions with readable messages", () => {
  assert.throws(() => barg.format({ ...event, level: "LOUD" }, "simple"), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /unknown level "LOUD"/);
    return true;
  });
  assert.throws(() => barg.format(event, "xml"), /unknown format "xml"/);
  assert.throws(() => barg.format("{not json", "simple"), /column/);
  assert.throws(() => new barg.Logger("bad..name"), /empty segment/);
});

test("batches cross the boundary once and keep going past bad items", () => {
  const events = Array.from({ length: 1000 }, (_, i) => ({ ...event, message: `event ${i}` }));
  events[500] = { ...event, level: "LOUD" };
  const lines = barg.formatBatch(events, "simple");
  assert.equal(lines.length, 1000);
  assert.equal(lines[999], "[INFO] 2025-12-26 10:30:45 stories.generation | event 999");
  assert.match(lines[500].error, /unknown level/);
  const ndjson = events.slice(0, 3).map((e) => JSON.stringify(e)).join("\n");
  assert.equal(barg.formatBatch(ndjson, "simple").length, 3);
  assert.equal(barg.formatBatch(JSON.stringify(events.slice(0, 4)), "json").length, 4);
  assert.deepEqual(barg.routeBatch([event, { ...event, level: "ERROR" }]), [["derakht.log"], ["derakht.log", "errors.log"]]);
});

test("route shows the seed's files", () => {
  assert.deepEqual(barg.route(event), ["derakht.log"]);
  assert.deepEqual(barg.route({ ...event, logger: "analytics" }), ["analytics.log"]);
  assert.deepEqual(barg.route({ ...event, level: "DEBUG" }), []);
  assert.deepEqual(barg.route({ ...event, level: "DEBUG" }, { level: "DEBUG" }), ["derakht.log"]);
  assert.equal(barg.kindOf("django.security.csrf"), "security");
});

test("parseEvent normalises and stamps events without a timestamp", () => {
  const before = Date.now();
  const parsed = barg.parseEvent({ level: "warn", logger: "core", message: "m" });
  assert.equal(parsed.level, "WARNING");
  assert.ok(Date.parse(parsed.timestamp) >= before - 1);
  assert.match(parsed.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.deepEqual(parsed.extra_data, {});
});

test("a Logger stamps its name and context", () => {
  const logger = new barg.Logger("shop.payments", { user_id: 7, request_id: "req-1" });
  assert.equal(logger.name, "shop.payments");
  const e = logger.info("Payment verified", { payment_id: "pay_1" });
  assert.equal(e.logger, "shop.payments");
  assert.equal(e.level, "INFO");
  assert.deepEqual(e.context, { user_id: 7, request_id: "req-1" });
  assert.deepEqual(e.extra_data, { payment_id: "pay_1" });
  assert.equal(logger.critical("down").level, "CRITICAL");
  assert.equal(logger.log("fatal", "down").level, "CRITICAL");
});

test("an operation timer records success and failure once", async () => {
  const logger = new barg.Logger("stories", { user_id: 3 });
  const op = logger.startOperation("pdf_generation", { story_id: 123 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const done = op.finish();
  assert.equal(done.logger, "performance");
  assert.equal(done.level, "INFO");
  assert.equal(done.extra_data.operation, "pdf_generation");
  assert.equal(done.extra_data.success, true);
  assert.equal(done.extra_data.story_id, 123);
  assert.ok(done.extra_data.duration_ms >= 15, `${done.extra_data.duration_ms}`);
  assert.deepEqual(done.context, { user_id: 3 });
  assert.throws(() => op.finish(), /already ended/);

  const failed = logger.startOperation("image_resize").fail(new TypeError("bad image"));
  assert.equal(failed.level, "ERROR");
  assert.equal(failed.extra_data.success, false);
  assert.equal(failed.extra_data.error_type, "TypeError");
  assert.equal(failed.extra_data.error, "bad image");
});
