// The transport of the npm package (pkg/node/transport.mjs, the real wasm
// core inside) against a fake fetch, on a mocked clock: batching, backoff,
// Retry-After, what is not retried, the bounded queue, rejections, and the
// beacon path with a fake page.
import { test, mock, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { createTransport } from "../../pkg/node/transport.mjs";

const URL = "http://127.0.0.1:9/v1/events";

function event(i, extra = {}) {
  return { timestamp: "2026-01-05T10:00:00Z", level: "INFO", logger: "app", message: `event ${i}`, ...extra };
}

function response(status, body, headers = {}) {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    json: async () => body,
  };
}

function accepted(events) {
  return response(200, {
    accepted: events.length,
    rejected: 0,
    results: events.map((_, index) => ({ index, status: "accepted" })),
  });
}

/**
 * A fetch that records each request (its time on the mocked clock and its
 * events) and answers with `answer(events, n)`: a response, an Error to
 * throw, or a promise of either.
 */
function fakeFetch(answer = accepted) {
  const requests = [];
  const fetch = async (url, init) => {
    const gzipped = init.headers["content-encoding"] === "gzip";
    const events = JSON.parse(gzipped ? gunzipSync(init.body).toString("utf8") : init.body);
    requests.push({ url, init, events, at: Date.now() });
    const result = await answer(events, requests.length);
    if (result instanceof Error) throw result;
    return result;
  };
  return { fetch, requests };
}

/** Lets every promise chain the transport started run to its end. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Moves the mocked clock forward in small steps, settling after each. */
async function advance(ms, step = 10) {
  await settle();
  for (let done = 0; done < ms; done += step) {
    mock.timers.tick(Math.min(step, ms - done));
    await settle();
  }
}

const messages = (request) => request.events.map((e) => e.message);

beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 }));
afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
});

test("batches leave when full, the rest when the interval ends", async () => {
  const { fetch, requests } = fakeFetch();
  const transport = createTransport({ url: URL, fetch, batchSize: 3, flushIntervalMs: 1000 });
  for (let i = 0; i < 7; i++) transport.log(event(i));
  await settle();
  assert.deepEqual(requests.map(messages), [["event 0", "event 1", "event 2"], ["event 3", "event 4", "event 5"]]);
  const { url, init } = requests[0];
  assert.equal(url, URL);
  assert.equal(init.method, "POST");
  assert.equal(init.keepalive, true);
  assert.deepEqual(init.headers, { "content-type": "text/plain;charset=UTF-8" });
  // What leaves is the writer's JSON line of the event: normalised.
  assert.deepEqual(requests[0].events[0], { ...event(0), timestamp: "2026-01-05T10:00:00.000000Z", extra_data: {} });

  await advance(990);
  assert.equal(requests.length, 2);
  await advance(10);
  assert.deepEqual(requests.map(messages)[2], ["event 6"]);
  assert.deepEqual(transport.stats(), { queued: 0, sent: 7, beaconed: 0, rejected: 0, dropped: 0, failed: 0, retries: 0 });
});

test("with compress, a batch leaves gzipped, compressed once whatever the retries", async () => {
  const { fetch, requests } = fakeFetch((events, n) => (n === 1 ? new Error("offline") : accepted(events)));
  const transport = createTransport({
    url: URL, fetch, compress: true, batchSize: 300, maxBatchBytes: 1_000_000, retry: { baseMs: 10, maxMs: 10 },
  });
  const events = Array.from({ length: 300 }, (_, i) => event(i, { message: `event ${i} ${"x".repeat(300)}` }));
  for (const e of events) transport.log(e);
  // Compressing runs outside the mocked clock.
  const until = async (done) => {
    for (let i = 0; i < 10_000 && !done(); i++) await settle();
  };
  await until(() => requests.length === 1);
  await advance(20);
  await until(() => requests.length === 2);
  assert.equal(requests.length, 2);
  for (const { init } of requests) {
    assert.deepEqual(init.headers, { "content-type": "text/plain;charset=UTF-8", "content-encoding": "gzip" });
    assert.ok(init.body instanceof ArrayBuffer);
  }
  assert.equal(requests[1].init.body, requests[0].init.body, "the retry sends the same compressed bytes");
  assert.deepEqual(messages(requests[1]), events.map((e) => e.message));
  // keepalive counts the bytes that leave: over 64 KiB as text, a few KB
  // as gzip.
  assert.ok(gunzipSync(requests[1].init.body).length > 64 * 1024);
  assert.ok(requests[1].init.body.byteLength < 64 * 1024);
  assert.equal(requests[1].init.keepalive, true);
  await until(() => transport.stats().sent === 300);
  assert.deepEqual(transport.stats(), { queued: 0, sent: 300, beaconed: 0, rejected: 0, dropped: 0, failed: 0, retries: 1 });
});

test("a batch stays under maxBatchBytes; a larger event goes alone", async () => {
  const { fetch, requests } = fakeFetch();
  const transport = createTransport({ url: URL, fetch, batchSize: 100, maxBatchBytes: 300 });
  for (let i = 0; i < 5; i++) transport.log(event(i));
  transport.log(event(5, { message: "x".repeat(400) }));
  transport.log(event(6));
  await transport.flush();
  assert.deepEqual(requests.flatMap(messages).map((m) => m.slice(0, 7)), [0, 1, 2, 3, 4, "xxxxxxx", 6].map((i) => typeof i === "number" ? `event ${i}` : i));
  for (const r of requests) {
    const alone = r.events.length === 1 && r.events[0].message.length === 400;
    assert.ok(alone || Buffer.byteLength(r.init.body) <= 300, r.init.body);
  }
  assert.ok(requests.length < 7, "several events share a request");
});

test("events are stamped when logged, not when sent", async () => {
  const { fetch, requests } = fakeFetch();
  const transport = createTransport({ url: URL, fetch });
  transport.log({ level: "INFO", logger: "app", message: "no time" });
  await Promise.resolve();
  mock.timers.tick(5000);
  await transport.flush();
  // The timestamp is the time of logging, not of sending.
  assert.equal(requests[0].events[0].timestamp, new Date(1_000_000).toISOString().replace("Z", "000Z"));
});

test("network errors back off exponentially with full jitter, up to the cap", async () => {
  let fails = 6;
  const { fetch, requests } = fakeFetch((events) => (fails-- > 0 ? new TypeError("fetch failed") : accepted(events)));
  const random = mock.method(Math, "random", () => 0.5);
  const transport = createTransport({ url: URL, fetch, retry: { baseMs: 100, maxMs: 1000 } });
  transport.log(event(0));
  const flushed = transport.flush();
  await advance(3000, 1);
  await flushed;
  const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at);
  // Half of each ceiling: 100, 200, 400, 800, then the cap of 1000.
  assert.deepEqual(gaps, [50, 100, 200, 400, 500, 500]);
  assert.equal(random.mock.callCount(), 6);
  assert.equal(transport.stats().retries, 6);
  assert.equal(transport.stats().sent, 1);

  // The jitter spans the whole ceiling: from no wait to just under it.
  const draws = [0, 0.995];
  random.mock.mockImplementation(() => draws.shift());
  fails = 2;
  requests.length = 0;
  transport.log(event(1));
  const again = transport.flush();
  await advance(300, 1);
  await again;
  const [none, most] = requests.slice(1).map((r, i) => r.at - requests[i].at);
  assert.ok(none <= 1, `no wait (the mocked clock moves by 1 ms): ${none}`);
  assert.equal(most, 199, "just under the ceiling of 200");
});

test("5xx and 429 are retried, obeying Retry-After in seconds or as a date", async () => {
  const answers = [
    () => response(503, { error: "the writer is stopping" }, { "retry-after": "3" }),
    () => response(429, {}, { "retry-after": new Date(Date.now() + 5000).toUTCString() }),
    () => response(500, {}),
  ];
  const { fetch, requests } = fakeFetch((events) => (answers.shift() ?? (() => accepted(events)))());
  mock.method(Math, "random", () => 0.999);
  const transport = createTransport({ url: URL, fetch, retry: { baseMs: 1000, maxMs: 1000 } });
  transport.log(event(0));
  const flushed = transport.flush();
  await advance(10_000, 1);
  await flushed;
  const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at);
  // Retry-After, as given (the date to the second), then the backoff.
  assert.equal(gaps[0], 3000);
  assert.ok(gaps[1] > 4000 && gaps[1] <= 5000, `${gaps[1]}`);
  assert.equal(gaps[2], 999);
  assert.equal(transport.stats().retries, 3);
  assert.equal(transport.stats().sent, 1);
});

test("a Retry-After sooner than the base delay waits the base delay", async () => {
  const answers = [() => response(503, {}, { "retry-after": "0" }), () => response(503, {}, { "retry-after": "0" })];
  const { fetch, requests } = fakeFetch((events) => (answers.shift() ?? (() => accepted(events)))());
  const transport = createTransport({ url: URL, fetch, retry: { baseMs: 700, maxMs: 5000 } });
  transport.log(event(0));
  const flushed = transport.flush();
  await advance(3000, 1);
  await flushed;
  const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at);
  assert.deepEqual(gaps, [700, 700]);
});

for (const status of [400, 401, 403, 408, 413]) {
  test(`a ${status} drops the batch, reports it, and is not retried`, async () => {
    let first = true;
    const { fetch, requests } = fakeFetch((events) => {
      if (!first) return accepted(events);
      first = false;
      return response(status, { error: "no" });
    });
    const failures = [];
    const transport = createTransport({ url: URL, fetch, batchSize: 2, onError: (f) => failures.push(f) });
    for (let i = 0; i < 3; i++) transport.log(event(i));
    await transport.flush();
    await advance(60_000, 1000);
    assert.deepEqual(requests.map(messages), [["event 0", "event 1"], ["event 2"]]);
    assert.deepEqual(failures, [{ status, message: `the writer answered ${status}: no`, events: 2 }]);
    assert.deepEqual(transport.stats(), { queued: 0, sent: 1, beaconed: 0, rejected: 0, dropped: 0, failed: 2, retries: 0 });
  });
}

test("a full queue drops its oldest events and counts them", async () => {
  let release;
  const { fetch, requests } = fakeFetch((events, n) => (n === 1 ? new Promise((r) => (release = () => r(accepted(events)))) : accepted(events)));
  const transport = createTransport({ url: URL, fetch, batchSize: 2, maxQueue: 5 });
  transport.log(event(0));
  transport.log(event(1));
  await settle();
  assert.equal(requests.length, 1, "the first batch is on its way, and hangs");
  for (let i = 2; i < 12; i++) transport.log(event(i));
  await settle();
  assert.deepEqual(transport.stats(), { queued: 7, sent: 0, beaconed: 0, rejected: 0, dropped: 5, failed: 0, retries: 0 });
  release();
  await transport.flush();
  assert.deepEqual(requests.slice(1).flatMap(messages), ["event 7", "event 8", "event 9", "event 10", "event 11"]);
  assert.equal(transport.stats().sent, 7);
});

test("invalid events are reported with their violations and sent sanitized; the writer's rejections too", async () => {
  const { fetch, requests } = fakeFetch((events) =>
    response(200, {
      accepted: 1,
      rejected: 2,
      results: [
        { index: 0, status: "rejected", violations: [{ pointer: "/message", code: "limit_exceeded", message: "too long here" }] },
        { index: 1, status: "accepted" },
        { index: 2, status: "rejected", violations: [{ pointer: "/level", code: "unknown_level", message: "m" }] },
      ].slice(0, events.length),
    }),
  );
  const rejections = [];
  const transport = createTransport({ url: URL, fetch, onReject: (...args) => rejections.push(args) });
  transport.log(event(0));
  transport.log(event(1));
  transport.log({ level: "LOUD", logger: "app", message: "card 4111 1111 1111 1111", extra_data: { password: "hunter2" } });
  const cyclic = {};
  cyclic.self = cyclic;
  transport.log(cyclic);
  await transport.flush();

  const body = requests[0].init.body;
  assert.ok(!body.includes("4111") && !body.includes("hunter2"), body);
  assert.deepEqual(requests[0].events[2], { level: "LOUD", logger: "app", message: "card [REDACTED]", extra_data: { password: "[REDACTED]" } });
  assert.equal(rejections.length, 3);
  const [cycle, local, remote] = [rejections[0], rejections[1], rejections[2]];
  assert.deepEqual([cycle[0], cycle[1][0].code, cycle[2]], [null, "not_json", "transport"]);
  assert.deepEqual(local[0].message, "card [REDACTED]");
  assert.deepEqual(local[1].map((v) => `${v.pointer} ${v.code}`), ["/level unknown_level"]);
  assert.equal(local[2], "transport");
  // The writer's verdict on event 0; its verdict on the invalid event was
  // already reported by the transport.
  assert.deepEqual(remote, [requests[0].events[0], [{ pointer: "/message", code: "limit_exceeded", message: "too long here" }], "writer"]);
  assert.deepEqual(transport.stats(), { queued: 0, sent: 3, beaconed: 0, rejected: 3, dropped: 0, failed: 0, retries: 0 });

  const quiet = fakeFetch();
  const strict = createTransport({ url: URL, fetch: quiet.fetch, sendInvalid: false });
  strict.log({ level: "LOUD", logger: "app", message: "m" });
  strict.log(event(9));
  await strict.flush();
  assert.deepEqual(quiet.requests.map(messages), [["event 9"]]);
});

test("a large invalid event is sent as the start of its text, which the writer keeps", async () => {
  const { fetch, requests } = fakeFetch();
  const transport = createTransport({ url: URL, fetch });
  transport.log({ level: "LOUD", logger: "app", message: "m", extra_data: { blob: "😀".repeat(100_000) } });
  await transport.flush();
  const [sent] = requests[0].events;
  assert.equal(typeof sent, "string");
  assert.ok(sent.startsWith('{"level":"LOUD","logger":"app","message":"m","extra_data":{"blob":"😀😀'), sent.slice(0, 80));
  assert.ok(sent.length <= 8192 && sent.length > 8000, `${sent.length}`);
  assert.ok(sent.isWellFormed(), "no half of a pair at the cut");
  assert.ok(requests[0].init.body.length < 20_000);
});

test("an invalid event with a lone surrogate is sent, the surrogate as U+FFFD", async () => {
  const { fetch, requests } = fakeFetch();
  const rejections = [];
  const transport = createTransport({ url: URL, fetch, onReject: (...args) => rejections.push(args) });
  // Cut inside an emoji: a lone high surrogate, which no JSON reader of
  // Unicode text takes.
  const message = "Story saved \u{1F600}".slice(0, 13);
  transport.log({ level: "INFO", logger: "app", message, extra_data: { password: "hunter2" } });
  await transport.flush();
  assert.equal(rejections.length, 1);
  const [sent, violations] = rejections[0];
  assert.deepEqual(violations.map((v) => v.code), ["not_json"]);
  assert.equal(sent.message, "Story saved \ufffd");
  assert.deepEqual(sent.extra_data, { password: "[REDACTED]" });
  assert.deepEqual(requests[0].events, [sent]);
});

test("flush waits out retries; close sends the rest and refuses more", async () => {
  let fails = 2;
  const { fetch, requests } = fakeFetch((events) => (fails-- > 0 ? new TypeError("down") : accepted(events)));
  const transport = createTransport({ url: URL, fetch, retry: { baseMs: 100, maxMs: 100 } });
  transport.log(event(0));
  let flushed = false;
  const flush = transport.flush().then(() => (flushed = true));
  await settle();
  assert.equal(flushed, false);
  await advance(300);
  await flush;
  assert.equal(requests.length, 3);
  transport.log(event(1));
  await transport.close();
  transport.log(event(2));
  assert.deepEqual(requests.map(messages).at(-1), ["event 1"]);
  assert.deepEqual(transport.stats(), { queued: 0, sent: 2, beaconed: 0, rejected: 0, dropped: 1, failed: 0, retries: 2 });
});

test("a request unanswered within timeoutMs is aborted and retried", async () => {
  const signals = [];
  const { fetch, requests } = fakeFetch((events, n) => (n === 1 ? new Promise(() => {}) : accepted(events)));
  const transport = createTransport({
    url: URL,
    fetch: (url, init) => {
      signals.push(init.signal);
      return fetch(url, init);
    },
    timeoutMs: 5000,
    retry: { baseMs: 10, maxMs: 10 },
  });
  transport.log(event(0));
  const flushed = transport.flush();
  await advance(4990);
  assert.equal(requests.length, 1);
  assert.equal(signals[0].aborted, false);
  await advance(30);
  assert.equal(signals[0].aborted, true, "the hung request is aborted");
  await flushed;
  assert.deepEqual(requests.map(messages), [["event 0"], ["event 0"]]);
  assert.deepEqual(transport.stats(), { queued: 0, sent: 1, beaconed: 0, rejected: 0, dropped: 0, failed: 0, retries: 1 });
});

test("close gives up what the writer does not take within closeTimeoutMs, and says so once", async () => {
  const failures = [];
  const { fetch, requests } = fakeFetch(() => response(503, null));
  const transport = createTransport({
    url: URL, fetch, batchSize: 2, closeTimeoutMs: 3000, retry: { baseMs: 100, maxMs: 400 }, onError: (f) => failures.push(f),
  });
  for (let i = 0; i < 3; i++) transport.log(event(i));
  let closed = false;
  const closing = transport.close().then(() => (closed = true));
  await advance(2990);
  assert.equal(closed, false, "still retrying");
  await advance(20);
  await closing;
  assert.deepEqual(failures, [{
    status: null, message: "closed with 3 events undelivered: the writer did not take them within closeTimeoutMs (3000 ms)", events: 3,
  }]);
  const tried = requests.length;
  await advance(10_000, 100);
  assert.equal(requests.length, tried, "nothing is retried after close");
  const { failed, queued, sent } = transport.stats();
  assert.deepEqual({ failed, queued, sent }, { failed: 3, queued: 0, sent: 0 });
});

test("options are checked, each named", () => {
  assert.throws(() => createTransport({}), /url/);
  assert.throws(() => createTransport({ url: "/v1/events" }), /^TypeError: url: \/v1\/events is not an absolute URL$/);
  assert.throws(() => createTransport({ url: URL, timeoutMs: 0 }), /timeoutMs/);
  assert.throws(() => createTransport({ url: URL, batchSize: 0 }), /batchSize/);
  assert.equal(typeof createTransport({ url: URL, batchSize: undefined, retry: { maxMs: undefined } }).log, "function", "undefined means the default");
  assert.throws(() => createTransport({ url: URL, retry: { baseMs: 100, maxMs: 10 } }), /retry\.maxMs/);
  assert.throws(() => createTransport({ url: URL, onReject: 1 }), /onReject/);
  assert.throws(() => createTransport({ url: URL, compress: "yes" }), /^TypeError: compress: true or false, not yes$/);
  assert.throws(() => createTransport({ url: URL, sanitizer: { disabled_rules: ["nope"] } }), /nope/);
  assert.equal(typeof globalThis.document, "undefined", "Node has no DOM, and needs none");
});

/** A fake page: document, window events and navigator.sendBeacon. */
function fakePage({ beaconAccepts = () => true } = {}) {
  const page = new EventTarget();
  page.visibilityState = "visible";
  const window = new EventTarget();
  const beacons = [];
  const saved = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  Object.defineProperty(globalThis, "navigator", {
    configurable: true,
    value: {
      sendBeacon(url, body) {
        const ok = beaconAccepts(body);
        if (ok) beacons.push({ url, events: JSON.parse(body) });
        return ok;
      },
    },
  });
  globalThis.document = page;
  globalThis.addEventListener = window.addEventListener.bind(window);
  globalThis.removeEventListener = window.removeEventListener.bind(window);
  return {
    beacons,
    hide() {
      page.visibilityState = "hidden";
      page.dispatchEvent(new Event("visibilitychange"));
    },
    leave: () => window.dispatchEvent(new Event("pagehide")),
    restore() {
      delete globalThis.document;
      delete globalThis.addEventListener;
      delete globalThis.removeEventListener;
      if (saved) Object.defineProperty(globalThis, "navigator", saved);
      else delete globalThis.navigator;
    },
  };
}

test("a hidden page hands its queue to sendBeacon", async (t) => {
  const page = fakePage();
  t.after(() => page.restore());
  const { fetch, requests } = fakeFetch();
  const transport = createTransport({ url: URL, fetch, batchSize: 100, maxBatchBytes: 400 });
  for (let i = 0; i < 5; i++) transport.log(event(i));
  page.hide();
  assert.deepEqual(page.beacons.map((b) => b.events.map((e) => e.message)), [
    ["event 0", "event 1", "event 2"],
    ["event 3", "event 4"],
  ]);
  assert.equal(page.beacons[0].url, URL);
  await advance(2000);
  assert.equal(requests.length, 0);
  assert.deepEqual(transport.stats(), { queued: 0, sent: 0, beaconed: 5, rejected: 0, dropped: 0, failed: 0, retries: 0 });
  await transport.close();
  page.leave();
  assert.equal(page.beacons.length, 2, "a closed transport listens no more");
});

test("what the beacon refuses stays queued; a page that goes away takes a batch waiting to be retried", async (t) => {
  let refuse = true;
  const page = fakePage({ beaconAccepts: () => !refuse });
  t.after(() => page.restore());
  const { fetch, requests } = fakeFetch(() => new TypeError("down"));
  const transport = createTransport({ url: URL, fetch, batchSize: 2, retry: { baseMs: 10_000, maxMs: 10_000 } });
  for (let i = 0; i < 3; i++) transport.log(event(i));
  await settle();
  assert.equal(requests.length, 1, "events 0 and 1 failed once and wait");
  page.hide();
  assert.equal(transport.stats().queued, 3, "the beacon refused event 2");
  refuse = false;
  page.hide();
  assert.deepEqual(page.beacons.flatMap((b) => b.events.map((e) => e.message)), ["event 2"], "hidden: the waiting batch waits");
  page.leave();
  assert.deepEqual(page.beacons.flatMap((b) => b.events.map((e) => e.message)), ["event 2", "event 0", "event 1"]);
  assert.equal(transport.stats().queued, 0);
  await advance(30_000, 1000);
  assert.equal(requests.length, 1, "what was beaconed is not retried");
});

test("a batch that the beacon refuses as the page goes away still leaves if the page lives on", async (t) => {
  const page = fakePage({ beaconAccepts: () => false });
  t.after(() => page.restore());
  let down = true;
  const { fetch, requests } = fakeFetch((events) => (down ? new TypeError("down") : accepted(events)));
  const transport = createTransport({ url: URL, fetch, batchSize: 2, retry: { baseMs: 60_000, maxMs: 60_000 } });
  transport.log(event(0));
  transport.log(event(1));
  await settle();
  assert.equal(requests.length, 1, "failed once, waiting a minute to retry");
  down = false;
  // The page goes away: the waiting batch is handed to the beacon, which
  // refuses it; restored from the back-forward cache, the page sends it.
  page.leave();
  await advance(100);
  assert.equal(page.beacons.length, 0);
  assert.deepEqual(requests.map(messages), [["event 0", "event 1"], ["event 0", "event 1"]]);
  assert.equal(transport.stats().queued, 0);
});

test("a page that goes away while close() waits still hands its queue to the beacon", async (t) => {
  const page = fakePage();
  t.after(() => page.restore());
  const { fetch, requests } = fakeFetch(() => response(503, null, { "retry-after": "30" }));
  const transport = createTransport({ url: URL, fetch, batchSize: 5 });
  for (let i = 0; i < 5; i++) transport.log(event(i));
  await settle();
  assert.equal(requests.length, 1, "the batch waits 30 s to be retried");
  for (let i = 5; i < 8; i++) transport.log(event(i));
  const closing = transport.close();
  await settle();
  page.leave();
  await closing;
  assert.deepEqual(page.beacons.flatMap((b) => b.events.map((e) => e.message)), ["event 0", "event 1", "event 2", "event 3", "event 4", "event 5", "event 6", "event 7"]);
  assert.equal(transport.stats().beaconed, 8);
  const handed = page.beacons.length;
  transport.log(event(8));
  page.leave();
  assert.equal(page.beacons.length, handed, "closed, it listens no more");
});

test("a request too large for keepalive leaves the beacon its whole budget", async (t) => {
  const page = fakePage();
  t.after(() => page.restore());
  const { fetch, requests } = fakeFetch(() => new Promise(() => {}));
  const transport = createTransport({ url: URL, fetch, batchSize: 2, maxBatchBytes: 200_000 });
  // Two valid events of 42 KB each: one request of 84 KB.
  const large = { a: "x".repeat(14_000), b: "y".repeat(14_000), c: "z".repeat(14_000) };
  transport.log(event(0, { extra_data: large }));
  transport.log(event(1, { extra_data: large }));
  await settle();
  assert.equal(requests.length, 1);
  assert.equal(requests[0].init.keepalive, false);
  for (let i = 2; i < 5; i++) transport.log(event(i));
  page.leave();
  assert.deepEqual(page.beacons.flatMap((b) => b.events.map((e) => e.message)), ["event 2", "event 3", "event 4"]);
});

test("with a token, a hidden page's beacon carries it in the URL, which a beacon can send", async (t) => {
  const page = fakePage();
  t.after(() => page.restore());
  const { fetch, requests } = fakeFetch();
  const transport = createTransport({ url: `${URL}?source=web`, fetch, token: "s3cret/+=", flushIntervalMs: 60_000 });
  for (let i = 0; i < 3; i++) transport.log(event(i));
  await settle();
  page.hide();
  assert.equal(requests.length, 0);
  assert.deepEqual(page.beacons.map((b) => b.events.length), [3]);
  const sent = new globalThis.URL(page.beacons[0].url);
  assert.equal(sent.searchParams.get("token"), "s3cret/+=");
  assert.equal(sent.searchParams.get("source"), "web");
  assert.equal(transport.stats().beaconed, 3);
});

test("without sendBeacon, a hidden page's queue leaves by keepalive fetch with the token header", async (t) => {
  const page = fakePage();
  t.after(() => page.restore());
  delete globalThis.navigator.sendBeacon;
  const { fetch, requests } = fakeFetch();
  const transport = createTransport({ url: URL, fetch, token: "s3cret", flushIntervalMs: 60_000 });
  for (let i = 0; i < 3; i++) transport.log(event(i));
  await settle();
  page.hide();
  assert.equal(requests.length, 1);
  assert.equal(requests[0].init.keepalive, true);
  assert.equal(requests[0].init.headers.authorization, "Bearer s3cret");
  assert.equal(transport.stats().beaconed, 3);
});
