// The released npm package, installed from its tarball into a scratch
// project, exercised from ESM with node --test.
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
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

test("text of every width crosses into wasm whole, a lone surrogate as U+FFFD", () => {
  // ASCII alone, then text that needs two, three and four bytes of UTF-8 a
  // unit (Persian, the euro sign, an emoji), long and at either end.
  const wide = "\u06f1 \u20ac \ud83d\udc4b ".repeat(300);
  const cut = `${"x".repeat(999)}\ud83d\udc4b`; // ASCII, then a pair the first pass has no room for
  for (const message of ["plain ascii", wide, `${wide}end`, `start${wide}`, cut, "\u20ac", "\ud83d\udc4b"]) {
    for (const input of [{ ...event, message }, JSON.stringify({ ...event, message })]) {
      const line = barg.format(input, "json");
      assert.equal(JSON.parse(line).message, message);
      assert.equal(new barg.Pipeline({ format: "json" }).prepare(input).line, line);
    }
  }
  // A lone surrogate in the text itself (`JSON.stringify` would escape it).
  const lone = JSON.stringify({ ...event, message: "cut X" }).replace("X", "\ud83d");
  assert.equal(JSON.parse(barg.format(lone, "json")).message, "cut \ufffd");
});

test("errors are exceptions with readable messages", () => {
  assert.throws(() => barg.format({ ...event, level: "LOUD" }, "simple"), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /unknown level "LOUD"/);
    return true;
  });
  assert.throws(() => barg.format(event, "xml"), /unknown format "xml"/);
  assert.throws(() => barg.format(event, "simple", { zon: "+03:30" }), /options: unknown field `zon`, expected `zone`/);
  assert.throws(() => barg.route(event, { level: 5 }), /options: level: invalid type: integer `5`, expected a string/);
  assert.throws(() => new barg.Pipeline({ validation: { limits: { max_depth: "x" } } }), /options: validation: limits: max_depth: invalid type: string "x", expected usize/);
  assert.throws(() => new barg.Pipeline({ sanitizer: { mask_email: true } }), /options: sanitizer: unknown field `mask_email`/);
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

  // An item that JSON.stringify refuses is that item's error; the items
  // around it are still answered.
  const refused = [event, { ...event, extra_data: { n: 10n } }, undefined, event];
  const formatted = barg.formatBatch(refused, "simple");
  assert.equal(formatted[0], formatted[3]);
  assert.match(formatted[1].error, /^the item cannot be written as JSON: .*BigInt/);
  assert.deepEqual(formatted[2], { error: "the item is not a JSON value" });
  assert.deepEqual(barg.routeBatch(refused).map((r) => (Array.isArray(r) ? "routed" : "error")), ["routed", "error", "error", "routed"]);
  const verdicts = barg.validateBatch(refused);
  assert.deepEqual(verdicts.map((v) => v.valid), [true, false, false, true]);
  assert.deepEqual(verdicts[2], { valid: false, violations: [{ pointer: "", code: "not_json", message: "the item is not a JSON value" }], warnings: [] });
  for (const pipeline of [new barg.Pipeline({ format: "json" }), new barg.Pipeline()]) {
    const prepared = pipeline.prepareBatch(refused);
    assert.deepEqual(prepared.map((p) => p.valid), [true, false, false, true]);
    assert.deepEqual(prepared[2], { valid: false, violations: [{ pointer: "", code: "not_json", message: "the item is not a JSON value" }], warnings: [], redactions: [], unlisted: 0 });
  }
  // So is an item behind a getter that throws, and the pipeline is not
  // left in use: it can still be freed.
  const guarded = [event, null, event];
  Object.defineProperty(guarded, 1, { get() { throw new Error("no item here") } });
  const pipeline = new barg.Pipeline({ format: "simple" });
  assert.deepEqual(pipeline.prepareBatch(guarded).map((p) => p.violations[0]?.message ?? p.line.slice(0, 6)), ["[INFO]", "the item cannot be read: no item here", "[INFO]"]);
  pipeline.free();

  // A JSON array with a broken item is read item by item: the broken item,
  // an empty place and the missing `]` are errors of their own.
  const one = JSON.stringify(event);
  const broken = `[${one},\n{"level":"INFO",oops},,\n${one}`;
  const cut = barg.formatBatch(broken, "simple");
  assert.equal(cut.length, 5);
  assert.equal(cut[0], cut[3]);
  assert.match(cut[1].error, /^key must be a string \(column 17\)$/);
  assert.match(cut[2].error, /^an empty item: no value before the `,` at byte \d+$/);
  assert.match(cut[4].error, /^the array is not closed: the text ends at byte \d+ without its `\]`$/);
  const verdictsOfCut = barg.validateBatch(broken);
  assert.deepEqual(verdictsOfCut.map((v) => v.valid), [true, false, false, true, false]);
  assert.deepEqual(verdictsOfCut[2].violations.map((v) => v.code), ["not_json"]);
  assert.deepEqual(barg.routeBatch(`[${one}] [`).map((r) => r.error ?? r), [["derakht.log"], "text after the array's closing `]`, from byte " + (one.length + 4)]);
});

test("a byte-order mark at the start of a batch's text is not part of its first item", () => {
  const line = JSON.stringify(event);
  for (const text of [`\ufeff${line}\n${line}\n`, `\ufeff[${line},${line}]`]) {
    assert.deepEqual(barg.validateBatch(text).map((v) => v.valid), [true, true]);
  }
});

test("route shows the seed's files", () => {
  assert.deepEqual(barg.route(event), ["derakht.log"]);
  assert.deepEqual(barg.route({ ...event, logger: "analytics", extra_data: { event_name: "e", event_category: "c" } }), ["analytics.log"]);
  // What the writer refuses goes where the writer sends it.
  assert.deepEqual(barg.route({ ...event, logger: "analytics" }), ["rejected.log"]);
  assert.deepEqual(barg.route('{"level":"INFO","logger":"core","message":"m","extra_data":{"a":1,"a":2}}'), ["rejected.log"]);
  assert.deepEqual(barg.route("not json"), ["rejected.log"]);
  assert.deepEqual(barg.routeBatch([event, { ...event, level: "LOUD" }]), [["derakht.log"], ["rejected.log"]]);
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

// What the writer would refuse, parseEvent and logRecord refuse, naming
// every violation as validate reports it.
test("parseEvent and logRecord read an event by the writer's rules", () => {
  for (const read of [barg.parseEvent, barg.logRecord]) {
    assert.throws(() => read('{"level":"INFO","logger":"core","message":"m","message":"n"}'), {
      message: 'the event: /message: the key "message" appears more than once in the object [duplicate_key]',
    });
    assert.throws(() => read({ level: "INFO", logger: "security", message: "m", extra_data: { event_type: "login_failed", severity: "high" } }), {
      message: "the event: /level: a security event of severity high is logged at ERROR, not INFO [level_mismatch]",
    });
    assert.throws(() => read({ level: "INFO", logger: "analytics", message: "m", timestamp: null }), {
      message: "the event: /timestamp: expected a string, found null [wrong_type]; " +
        '/extra_data/event_name: the field "event_name" is required [missing_field]; ' +
        '/extra_data/event_category: the field "event_category" is required [missing_field]',
    });
    assert.throws(() => read({ level: "INFO", logger: "core", message: "m".repeat(20000) }), /^Error: the event: \/message: .*\[limit_exceeded\]$/);
    assert.throws(() => read([1]), { message: "the event: expected an event object, found an array [wrong_type]" });
    assert.equal(read({ level: "error", logger: "security", message: "m", extra_data: { event_type: "login_failed", severity: "high" } }).level, "ERROR");
  }
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
  // Its context's errors name the context, once.
  assert.throws(() => new barg.Logger("shop", { user_id: true }), /^Error: context: user_id: invalid type: boolean `true`/);
  assert.throws(() => new barg.Logger("shop", 5), { message: "context: expected an object" });
  // Read as the validator reads an event: JSON that does not parse and a
  // duplicate key are worded as validate words them.
  assert.throws(() => new barg.Logger("shop", "{oops"), { message: "context: not JSON: key must be a string (column 2) [not_json]" });
  assert.throws(() => new barg.Logger("shop", '{"user_id":1,"user_id":2}'), {
    message: 'context: /user_id: the key "user_id" appears more than once in the object [duplicate_key]',
  });
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
  // An error of another realm (a vm context, an iframe) and an error-like
  // object are read as an Error of this one is.
  for (const error of [vm.runInNewContext('new TypeError("disk full")'), { name: "TypeError", message: "disk full" }]) {
    const other = logger.startOperation("image_resize").fail(error);
    assert.equal(other.extra_data.error_type, "TypeError");
    assert.equal(other.extra_data.error, "disk full");
  }
  // Anything else is its JSON text, or the default when it has none.
  const thrown = [[undefined, "unknown error"], [10n, "unknown error"], [{ code: 7 }, '{"code":7}'], ["no space", "no space"]];
  for (const [value, expected] of thrown) {
    assert.equal(logger.startOperation("op").fail(value).extra_data.error, expected, String(value));
  }

  // An error's name and message are read as they come, and a getter that
  // throws gives the defaults rather than an exception that would leave
  // the timer in use for good.
  const odd = new Error("odd");
  odd.name = 5;
  Object.defineProperty(odd, "message", { get() { throw new Error("getter") } });
  const timer = logger.startOperation("odd");
  const oddly = timer.fail(odd);
  assert.equal(oddly.extra_data.error_type, "Error");
  assert.equal(oddly.extra_data.error, "unknown error");
  assert.throws(() => timer.finish(), /operation "odd" has already ended/);
});

test("validate returns every violation as data, never an exception", () => {
  const verdict = barg.validate({ level: "LOUD", logger: "security", message: "m", extra_data: { event_type: "x", severity: "extreme" } });
  assert.equal(verdict.valid, false);
  assert.equal(verdict.event, undefined);
  const found = verdict.violations.map((v) => `${v.pointer} ${v.code}`);
  assert.deepEqual(found, ["/level unknown_level", "/extra_data/severity unknown_value"]);
  assert.ok(verdict.violations.every((v) => v.message.length > 0));
  assert.equal(barg.validate("{not json").violations[0].code, "not_json");
  const ok = barg.validate(JSON.stringify(event));
  assert.equal(ok.valid, true);
  assert.equal(ok.event.level, "INFO");
  const lenient = barg.validate({ ...event, extra: 1 }, { mode: "lenient" });
  assert.equal(lenient.valid, true);
  assert.equal(lenient.warnings[0].code, "unknown_field");
  assert.equal(barg.validateBatch([event, { level: "INFO" }]).map((v) => v.valid).join(), "true,false");
});

test("sanitize redacts secrets and reports where, never what", () => {
  const dirty = { ...event, message: "card 4111 1111 1111 1111", extra_data: { request_data: { password: "hunter2", cardNumber: "6037991234567892" } } };
  const { value, redactions } = barg.sanitize(dirty, { card_display: "last4" });
  assert.equal(value.message, "card [CARD ****1111]");
  assert.equal(value.extra_data.request_data.password, "[REDACTED]");
  assert.ok(!JSON.stringify(value).includes("hunter2"));
  assert.ok(!JSON.stringify(redactions).includes("hunter2"));
  assert.deepEqual(redactions.map((r) => r.path).sort(), ["/extra_data/request_data/cardNumber", "/extra_data/request_data/password", "/message"]);
  assert.throws(() => barg.sanitize(event, { disabled_rules: ["nope"] }), /nope/);
  const sanitizer = new barg.Sanitizer({ extra_keys: ["national_id"] });
  assert.equal(sanitizer.sanitize({ national_id: "0012345678" }).value.national_id, "[REDACTED]");

  // The batch: each value as sanitize gives it, from an array (a string in
  // it is JSON text), a JSON array or NDJSON; an item that is not JSON is
  // its own error.
  const values = [dirty, { national_id: "0012345678", token: "abc" }, JSON.stringify("card 4111 1111 1111 1111"), [1, { apiKey: "k" }]];
  const one = values.map((v) => barg.sanitize(v));
  assert.deepEqual(barg.sanitizeBatch(values), one);
  assert.deepEqual(barg.sanitizeBatch(JSON.stringify(values.map((v) => (typeof v === "string" ? JSON.parse(v) : v)))), one);
  assert.deepEqual(barg.sanitizeBatch(values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n")), one);
  assert.deepEqual(sanitizer.sanitizeBatch([{ national_id: "1" }])[0].value, { national_id: "[REDACTED]" });
  const mixed = barg.sanitizeBatch([{ password: "p" }, { n: 10n }, "{oops", { ok: 1 }]);
  assert.equal(mixed.length, 4);
  assert.deepEqual(mixed[0].value, { password: "[REDACTED]" });
  assert.match(mixed[1].error, /^the item cannot be written as JSON: .*BigInt/);
  assert.match(mixed[2].error, /^key must be a string \(column 2\)$/);
  // One value and a batch's item word an error as format and validate do:
  // the column alone on one line, the line too past it.
  assert.throws(() => barg.sanitize("{oops"), { message: mixed[2].error });
  assert.throws(() => barg.sanitize('{\n"a":}'), { message: "expected value at line 2 column 5" });
  assert.deepEqual(mixed[3], { value: { ok: 1 }, redactions: [], unlisted: 0 });
});

test("a report lists paths up to its bound and counts the rest", () => {
  assert.equal(barg.sanitize(event).unlisted, 0);
  // 60 secrets under 20 levels of 1000-byte keys: 1.2 MB of paths.
  const key = "k".repeat(1000);
  const deep = {};
  let inner = deep;
  for (let i = 0; i < 20; i++) inner = inner[key] = {};
  for (let i = 0; i < 60; i++) inner[`password${i}`] = "hunter2";
  const { value, redactions, unlisted } = barg.sanitize(deep);
  assert.ok(unlisted > 0 && redactions.length > 0, `${redactions.length} listed, ${unlisted} unlisted`);
  assert.equal(redactions.length + unlisted, 60);
  assert.ok(!JSON.stringify(value).includes("hunter2"));
  assert.equal(new barg.Pipeline().prepare(event).unlisted, 0);
});

test("a Pipeline validates, sanitizes and formats in one call", () => {
  const pipeline = new barg.Pipeline({ format: "simple", sanitizer: { card_display: "last4" } });
  const prepared = pipeline.prepare({ ...event, message: "paid with 4111111111111111" });
  assert.equal(prepared.valid, true);
  assert.equal(prepared.line, "[INFO] 2025-12-26 10:30:45 stories.generation | paid with [CARD ****1111]");
  assert.deepEqual(prepared.redactions, [{ path: "/message", rule: "card_number" }]);
  const batch = pipeline.prepareBatch([event, { level: "INFO", logger: "a" }]);
  assert.equal(batch[1].valid, false);
  assert.equal(batch[1].line, undefined);
  assert.equal(barg.prepare(event, { format: "json" }).line, barg.format(event, "json"));
});

test("a Pipeline with a format gives the line, one without gives the event", () => {
  const dirty = { ...event, extra_data: { order: 7, request_data: { password: "hunter2", note: "card 4111 1111 1111 1111" } } };
  const sanitized = barg.sanitize(dirty);
  for (const format of ["json", "simple", "verbose"]) {
    const prepared = new barg.Pipeline({ format }).prepare(dirty);
    assert.equal(prepared.event, undefined, format);
    assert.equal(prepared.line, barg.format(sanitized.value, format), format);
    // The whole event's redactions, also where a text format writes nothing.
    assert.deepEqual(prepared.redactions, sanitized.redactions, format);
  }
  const whole = new barg.Pipeline().prepare(dirty);
  assert.equal(whole.line, undefined);
  assert.deepEqual(whole.event, barg.parseEvent(sanitized.value));
  assert.deepEqual(Object.keys(whole), ["valid", "event", "violations", "warnings", "redactions", "unlisted"]);
  assert.deepEqual(whole.redactions, sanitized.redactions);
  // Lenient mode's warnings, and an invalid event's violations, either way.
  for (const options of [{ format: "json" }, {}]) {
    const lenient = new barg.Pipeline({ ...options, validation: { mode: "lenient" } }).prepare({ ...event, extra: 1 });
    assert.equal(lenient.valid, true);
    assert.deepEqual(lenient.warnings.map((w) => w.pointer), ["/extra"]);
    const invalid = new barg.Pipeline(options).prepare({ ...event, level: "LOUD", extra: 1 });
    assert.equal(invalid.valid, false);
    assert.deepEqual(invalid.violations.map((v) => v.pointer).sort(), ["/extra", "/level"]);
    assert.deepEqual([invalid.line, invalid.event, invalid.redactions], [undefined, undefined, []]);
  }
});

test("every kind has a constructor", () => {
  const a = barg.analyticsEvent({ event_name: "story_started", event_category: "stories", user_id: 123, properties: { template_id: 42 } });
  assert.equal(a.message, "Analytics: stories.story_started");
  assert.equal(a.logger, "analytics");
  const u = barg.userAction({ action: "story_completed", user_id: 5, user_email: "a@example.ir", story_id: 9 });
  assert.equal(u.logger, "audit");
  assert.equal(u.extra_data.story_id, 9);
  const s = barg.securityEvent({ event_type: "auth_failure", severity: "high", description: "Failed login", ip_address: "5.1.2.3" });
  assert.deepEqual([s.logger, s.level, s.message], ["security", "ERROR", "Failed login"]);
  // The description goes to the message; the other keys keep their order.
  const ordered = barg.securityEvent({ description: "d", event_type: "x", severity: "low", a: 1, b: 2, c: 3 });
  assert.deepEqual(Object.keys(ordered.extra_data), ["event_type", "severity", "a", "b", "c"]);
  assert.throws(() => barg.securityEvent({ event_type: "x", severity: "low" }), /description/);
  assert.throws(() => barg.securityEvent({ event_type: "x", severity: "dire", description: "d" }), /\/severity: unknown severity "dire"/);
  assert.throws(() => barg.analyticsEvent({ event_category: "c" }), /the analytics event: \/event_name: the field "event_name" is required/);
  assert.throws(() => barg.httpRequest({ method: "GET", path: "/", status: "ok", duration_ms: 1 }), /\/status: expected an integer, found a string/);
  assert.throws(() => barg.dbStats({ query_count: 1, total_time_ms: 1, slowest_queries: [{ sql: 1, time_ms: 1 }] }), /\/slowest_queries\/0\/sql: expected a string/);
  assert.throws(() => barg.apiError([]), /the API error: expected an object/);
  // Fields given as JSON text are read as the validator reads an event: a
  // duplicate key, at any depth, is refused rather than taken last.
  assert.throws(
    () => barg.httpRequest('{"method":"GET","path":"/","status":200,"status":500,"duration_ms":1}'),
    /the HTTP request: \/status: the key "status" appears more than once in the object \[duplicate_key\]/,
  );
  assert.throws(
    () => barg.analyticsEvent('{"event_name":"n","event_category":"c","properties":{"a":1,"a":2}}'),
    /\/properties\/a: the key "a" appears more than once/,
  );
  assert.throws(() => barg.apiError("{not json"), /the API error: not JSON: key must be a string \(column 2\) \[not_json\]/);
  assert.throws(() => new barg.Logger("shop").info("m", '{"a":1,"a":2}'), /extra_data: \/a: the key "a" appears/);
  assert.equal(barg.httpRequest('{"method":"GET","path":"/","status":200,"duration_ms":1}')[0].extra_data.status, 200);
  const e = barg.apiError({ error_type: "ValueError", error_message: "bad", path: "/api/x", method: "POST" });
  assert.equal(e.level, "ERROR");
  const r = barg.httpRequest({ method: "POST", path: "/api/stories/", status: 201, duration_ms: 1523.45 });
  assert.equal(r.length, 2);
  assert.equal(r[1].message, "Slow request detected: POST /api/stories/ took 1523.45ms");
  assert.equal(barg.httpRequest({ method: "GET", path: "/", status: 503, duration_ms: 5 }, { slow_request_ms: 1 })[0].level, "ERROR");
  const d = barg.dbStats({ query_count: 63, total_time_ms: 812.4, slowest_queries: [{ sql: "SELECT 1", time_ms: 30 }] });
  assert.equal(d.level, "WARNING");
  assert.equal(d.extra_data.flagged, true);
  assert.equal(barg.logRecord({ level: "info", logger: "blog", message: "m" }).level, "INFO");
  for (const made of [a, u, s, e, ...r, d]) assert.equal(barg.validate(made).valid, true, made.logger);
});

// JavaScript without TypeScript can pass anything anywhere: every export
// answers a value of the wrong type, in any position, with a readable Error,
// never a trap of the module, and the module goes on working.
test("an argument of the wrong type is an Error, never a trap", () => {
  const circular = { a: 1 };
  circular.self = circular;
  const odd = [undefined, null, 0, NaN, true, 10n, Symbol("s"), () => 1, [], [null], {}, circular, "", "{", "[1,", "\ud800", { toJSON() { throw new Error("no JSON") } }];
  const logger = new barg.Logger("shop");
  const calls = {
    format: (x, y) => barg.format(x, y ?? "json"),
    formatWith: (x, y) => barg.format(event, x, y),
    formatBatch: (x, y) => barg.formatBatch(x, y ?? "json"),
    formatBatchWith: (x, y) => barg.formatBatch([event], x, y),
    parseEvent: (x) => barg.parseEvent(x),
    logRecord: (x) => barg.logRecord(x),
    route: (x, y) => barg.route(x, y),
    routeBatch: (x, y) => barg.routeBatch(x, y),
    validate: (x, y) => barg.validate(x, y),
    validateBatch: (x, y) => barg.validateBatch(x, y),
    sanitize: (x, y) => barg.sanitize(x, y),
    prepare: (x, y) => barg.prepare(x, y),
    kindOf: (x) => barg.kindOf(x),
    analyticsEvent: (x) => barg.analyticsEvent(x),
    userAction: (x) => barg.userAction(x),
    securityEvent: (x) => barg.securityEvent(x),
    apiError: (x) => barg.apiError(x),
    httpRequest: (x, y) => barg.httpRequest(x, y),
    dbStats: (x, y) => barg.dbStats(x, y),
    Pipeline: (x, y) => new barg.Pipeline(x).prepare(y ?? event),
    PipelineBatch: (x) => new barg.Pipeline({ format: "json" }).prepareBatch(x),
    Sanitizer: (x, y) => new barg.Sanitizer(x).sanitize(y ?? event),
    sanitizeBatch: (x, y) => barg.sanitizeBatch(x, y),
    SanitizerBatch: (x) => new barg.Sanitizer().sanitizeBatch(x),
    Logger: (x, y) => new barg.Logger(x, y),
    LoggerLog: (x, y) => logger.log(x, "m", y),
    LoggerInfo: (x, y) => logger.info(x, y),
    LoggerWarning: (x, y) => logger.warning("m", x ?? y),
    startOperation: (x, y) => logger.startOperation(x, y).finish(),
    fail: (x) => logger.startOperation("op").fail(x),
  };
  let errors = 0;
  for (const [name, call] of Object.entries(calls)) {
    for (const x of odd) {
      for (const y of [undefined, x]) {
        try {
          call(x, y);
        } catch (e) {
          errors += 1;
          const what = `${name}(${typeof x}, ${typeof y})`;
          assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what} trapped: ${e}`);
          assert.ok(e instanceof Error && e.message.length > 0, `${what} threw ${String(e)}`);
        }
        assert.equal(barg.format(event, "simple").slice(0, 6), "[INFO]");
      }
    }
  }
  assert.ok(errors > 500, `only ${errors} calls were refused`);
  assert.throws(() => barg.kindOf(5), /^Error: the logger name: expected a string, found a value of type number$/);
  assert.throws(() => barg.format(event, null), /the format: expected a string, found null/);
  assert.throws(() => logger.info(["m"]), /the message: expected a string, found an array/);
  assert.throws(() => logger.log(30, "m"), /the level: expected a string/);
  assert.throws(() => logger.startOperation({}), /the operation: expected a string/);
});

// A JS exception that unwinds through the module's frames skips their exit:
// after a few hundred, its stack of borrowed values runs out and every call
// traps. Code of the caller's that throws (a Proxy's trap, a getter) is
// caught, and becomes the module's own Error.
test("a value whose own code throws is an Error of the module's, however often", () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable([event], {});
    revoke();
    return proxy;
  };
  const noLength = () => new Proxy([event], { get: (t, k) => { if (k === "length") throw new Error("no length"); return t[k]; } });
  const batches = {
    formatBatch: (x) => barg.formatBatch(x, "json"),
    routeBatch: (x) => barg.routeBatch(x),
    validateBatch: (x) => barg.validateBatch(x),
    sanitizeBatch: (x) => barg.sanitizeBatch(x),
    prepareBatch: (x) => new barg.Pipeline().prepareBatch(x),
  };
  for (const [name, call] of Object.entries(batches)) {
    for (const [odd, message] of [[revoked, /^the batch cannot be read: .*revoked/], [noLength, /^the batch cannot be read: no length$/]]) {
      assert.throws(() => call(odd()), (e) => e.constructor === Error && message.test(e.message), name);
    }
  }
  assert.throws(() => barg.kindOf(revoked()), /^Error: the logger name: expected a string, found a value of type object$/);
  for (let i = 0; i < 2000; i++) {
    assert.throws(() => barg.formatBatch(revoked(), "simple"), /cannot be read/);
    assert.throws(() => barg.kindOf(revoked()), /expected a string/);
  }
  assert.equal(barg.format(event, "simple").slice(0, 6), "[INFO]");
  assert.equal(barg.formatBatch([event, event], "simple").length, 2);
});
