// The whole path, for real: a page in headless Chromium logs through the
// package's transport (web build) to `barg write --http` on another
// loopback port, CORS allowing the page's origin. A burst of 10,000 events
// spread over the seed's loggers, one invalid event and one carrying a card
// number; the writer is stopped (SIGTERM) in the middle of the burst and
// started again on the same port and directory a few seconds later. Then a
// page goes away with events queued (sendBeacon), and a workerd worker
// sends events through the same transport. At the end the test reads every
// file the writer wrote, rotated backups included, and requires each valid
// event exactly once and exactly in the files `route` names, the card
// number nowhere, the invalid event in rejected.log, and nothing else.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { launch } from "./browser.mjs";
import { freePort, serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const barg = join(root, "target/release/barg");
const core = createRequire(import.meta.url)(join(root, "pkg/node/barg.js"));

const BURST = 10_000;
const CARD = "4111 1111 1111 1111";
const id = (prefix, n) => `${prefix}-${String(n).padStart(5, "0")}`;

/** Valid events of every kind the seed routes, and some below the threshold. */
function burstEvent(n) {
  const message = `burst ${id("ev", n)}`;
  switch (n % 8) {
    case 0:
      return { level: "INFO", logger: "analytics", message, extra_data: { event_name: "story_started", event_category: "stories", user_id: n } };
    case 1:
      return { level: "INFO", logger: "audit", message, extra_data: { action: "story.publish", user_id: n } };
    case 2:
      return { level: "WARNING", logger: "security", message, extra_data: { event_type: "login_failed", severity: "medium" } };
    case 3:
      return { level: "INFO", logger: "performance", message, extra_data: { operation: "pdf", duration_ms: n % 997, success: true } };
    case 4:
      return { level: "ERROR", logger: "shop.payments", message, context: { request_id: `req-${n}` } };
    case 5:
      return { level: "DEBUG", logger: "stories.cache", message };
    default:
      return { level: "INFO", logger: "stories.generation", message, extra_data: { story_id: n } };
  }
}

const burst = Array.from({ length: BURST }, (_, n) => burstEvent(n));
const card = { level: "INFO", logger: "shop.payments", message: `paid with ${CARD} ${id("ev", BURST)}`, extra_data: { card_number: CARD.replaceAll(" ", "") } };
const invalid = { level: "LOUD", logger: "stories", message: `invalid ${id("bad", 0)}` };
const leaving = Array.from({ length: 30 }, (_, n) => ({ level: "INFO", logger: "stories.leaving", message: `left ${id("lv", n)}` }));
const fromWorker = Array.from({ length: 60 }, (_, n) => ({ level: n % 2 ? "ERROR" : "INFO", logger: "edge.worker", message: `edge ${id("wk", n)}` }));
const workerInvalid = { level: "INFO", logger: "edge..worker", message: `invalid ${id("bad", 1)}` };

let scratch, logs, config, port, writer, site, browser;
const said = [];

/** Starts a writer (the test's own unless told another port, directory or
 * token); resolves once it listens. */
function startWriter(at = { port, dir: logs }) {
  const env = { ...process.env, BARG_LOG_LEVEL: "INFO" };
  delete env.DJANGO_LOG_LEVEL;
  delete env.DEBUG;
  delete env.BARG_HTTP_TOKEN;
  if (at.token) env.BARG_HTTP_TOKEN = at.token;
  const child = spawn(barg, ["write", "--config", config, "--dir", at.dir, "--http", `127.0.0.1:${at.port}`, "--stats"], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => (err += chunk));
  child.said = () => err;
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the writer did not start:\n${err}`)), 10_000);
    child.stderr.on("data", () => {
      if (err.includes("listening on http://")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.exited.then(() => reject(new Error(`the writer exited:\n${err}`)));
  });
}

async function stopWriter(child = writer) {
  child.kill("SIGTERM");
  const exit = await child.exited;
  said.push(child.said());
  assert.deepEqual(exit, { code: 0, signal: null }, child.said());
  return child.said();
}

async function metric(name, at = port, token = undefined) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const text = await (await fetch(`http://127.0.0.1:${at}/metrics`, { headers })).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1] ?? 0);
}

async function waitFor(what, ready, ms = 30_000) {
  const until = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "barg-transport-"));
  logs = join(scratch, "logs");
  mkdirSync(logs);
  // The page on one loopback port, the writer on another.
  mkdirSync(join(scratch, "site"));
  cpSync(join(here, "transport-page"), join(scratch, "site"), { recursive: true });
  cpSync(join(root, "pkg/web"), join(scratch, "site/barg"), { recursive: true });
  site = await serve(join(scratch, "site"));
  const origin = new URL(site.url).origin;
  port = await freePort();
  // The seed's layout, with files small enough that the burst rotates them.
  config = join(scratch, "barg.toml");
  const seed = execFileSync(barg, ["config"], { encoding: "utf8", env: { ...process.env, BARG_LOG_LEVEL: "INFO" } });
  const toml = seed
    .replace(/^max_bytes = \d+$/gm, "max_bytes = 100000")
    .replace(/^backups = \d+$/gm, "backups = 50")
    .replace(/^cors = \[\]$/m, `cors = [${JSON.stringify(origin)}]`);
  assert.match(toml, /cors = \["http:\/\/127\.0\.0\.1:\d+"\]/);
  writeFileSync(config, toml);
  writer = await startWriter();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.close();
  if (writer && writer.exitCode === null && writer.signalCode === null) writer.kill("SIGKILL");
  if (scratch && !process.env.BARG_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
  else console.log(`kept ${scratch}`);
});

test("the events are what they claim: the burst is valid, the invalid event is not", () => {
  const verdicts = core.validateBatch([...burst, card, ...leaving, ...fromWorker]);
  assert.deepEqual(verdicts.filter((v) => !v.valid), []);
  assert.equal(core.validate(invalid).valid, false);
  assert.equal(core.validate(workerInvalid).valid, false);
});

let page;

test("a page's burst survives the writer stopping in its middle", async () => {
  page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${site.url}?writer=http://127.0.0.1:${port}`);
  await page.waitForFunction(() => document.querySelector("#state").textContent === "ready");

  const started = Date.now();
  await page.evaluate(([burst, card, invalid]) => {
    transport.log(invalid);
    for (let i = 0; i < burst.length; i++) {
      transport.log(burst[i]);
      if (i === burst.length / 2) transport.log(card);
    }
  }, [burst, card, invalid]);

  // Stop the writer once part of the burst is written.
  await waitFor("part of the burst written", async () => (await metric("barg_events_received_total")) >= 2000);
  const stopAt = Date.now() - started;
  const stopped = await stopWriter();
  const received = Number(/events_received=(\d+)/.exec(stopped)?.[1]);
  const outage = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const during = await page.evaluate(() => transport.stats());
  writer = await startWriter();
  const down = Date.now() - outage;

  await page.evaluate(() => transport.flush());
  const took = Date.now() - started;
  const stats = await page.evaluate(() => transport.stats());
  console.log(
    `burst: ${BURST + 2} events; writer stopped at ${stopAt} ms having received ${received}, down ${down} ms; ` +
      `${during.retries} retries during the outage, ${stats.retries} in all; all delivered after ${took} ms`,
  );
  assert.ok(received > 0 && received < BURST, `stopped in the middle of the burst: ${stopped}`);
  assert.ok(during.queued > 0 && during.retries > 0, "events waited and were retried while the writer was down");
  assert.deepEqual({ ...stats, retries: 0 }, { queued: 0, sent: BURST + 2, beaconed: 0, rejected: 1, dropped: 0, failed: 0, retries: 0 });

  const rejections = await page.evaluate(() => rejections);
  assert.equal(rejections.length, 1);
  assert.equal(rejections[0].by, "transport");
  assert.deepEqual(rejections[0].violations.map((v) => `${v.pointer} ${v.code}`), ["/level unknown_level"]);
  assert.deepEqual(await page.evaluate(() => failures), []);
  assert.deepEqual(errors, []);
});

test("a page that goes away hands its queued events to sendBeacon", async () => {
  const queued = await page.evaluate((events) => {
    for (const event of events) leaving.log(event);
    return new Promise((resolve) => setTimeout(() => resolve(leaving.stats().queued), 50));
  }, leaving);
  assert.equal(queued, leaving.length, "the events wait for their interval");
  const before = await metric("barg_events_received_total");
  await page.goto("about:blank");
  await waitFor("the beacon", async () => (await metric("barg_events_received_total")) >= before + leaving.length, 10_000);
  await page.close();
});

test("a workerd worker sends events through the same transport, gzipped", async () => {
  const workerPort = await freePort();
  const worker = spawn(join(here, "node_modules/.bin/workerd"), [
    "serve", join(root, "tests/workerd/transport.capnp"), "--socket-addr", `http=127.0.0.1:${workerPort}`,
  ], { stdio: ["ignore", "inherit", "inherit"] });
  try {
    const body = JSON.stringify({ url: `http://127.0.0.1:${port}/v1/events`, events: [...fromWorker, workerInvalid] });
    let response;
    for (let i = 0; i < 100 && !response; i++) {
      response = await fetch(`http://127.0.0.1:${workerPort}/`, { method: "POST", body })
        .catch(() => new Promise((r) => setTimeout(() => r(undefined), 100)));
    }
    assert.ok(response, "workerd answered");
    assert.equal(response.status, 200);
    const answer = await response.json();
    assert.deepEqual(answer.stats, { queued: 0, sent: fromWorker.length + 1, beaconed: 0, rejected: 1, dropped: 0, failed: 0, retries: 0 });
    assert.deepEqual(answer.rejected.map((r) => [r.codes, r.by]), [[["bad_logger"], "transport"]]);
    assert.deepEqual(answer.failures, []);
    // 61 events in batches of 25, each gzipped and inflated by the writer.
    assert.deepEqual(answer.encodings, ["gzip", "gzip", "gzip"]);
  } finally {
    worker.kill();
  }
});

/** Every file of a log directory, rotated backups included: base name → lines. */
function readLogs(dir = logs) {
  const files = new Map();
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const base = name.replace(/\.\d+$/, "");
    const lines = readFileSync(join(dir, name), "utf8").split("\n").filter(Boolean);
    files.set(base, [...(files.get(base) ?? []), ...lines]);
  }
  return files;
}

test("every valid event is written exactly once, in the files route names; the card nowhere; the invalid ones in rejected.log", async () => {
  await stopWriter();
  const files = readLogs();
  const backups = readdirSync(logs).filter((n) => /\.\d+$/.test(n)).length;

  // Where each id was written, as "file" once per line that holds it.
  const found = new Map();
  let lines = 0;
  for (const [file, content] of files) {
    for (const line of content) {
      lines++;
      const ids = line.match(/\b(ev|lv|wk|bad)-\d{5}\b/g) ?? [];
      assert.equal(ids.length, 1, `one known event per line: ${file}: ${line}`);
      found.set(ids[0], [...(found.get(ids[0]) ?? []), file]);
    }
  }

  const valid = [...burst, card, ...leaving, ...fromWorker];
  const routes = core.routeBatch(valid, { level: "INFO" });
  let expectedLines = 2; // the two invalid events, in rejected.log
  const wrong = [];
  valid.forEach((event, i) => {
    const key = /\b(ev|lv|wk)-\d{5}\b/.exec(event.message)[0];
    const expected = [...routes[i]].sort();
    const got = [...(found.get(key) ?? [])].sort();
    expectedLines += expected.length;
    if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${key}: written to [${got}], routed to [${expected}]`);
  });
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} events not exactly where route puts them`);
  assert.deepEqual(found.get("bad-00000"), ["rejected.log"]);
  assert.deepEqual(found.get("bad-00001"), ["rejected.log"]);
  assert.equal(lines, expectedLines, "nothing else was written");

  const everything = [...files.values()].flat().join("\n");
  for (const secret of [CARD, CARD.replaceAll(" ", ""), "4111-1111"]) {
    assert.ok(!everything.includes(secret), `the card number is nowhere (${secret})`);
  }
  const rejected = files.get("rejected.log").map((l) => JSON.parse(l));
  assert.deepEqual(rejected.map((r) => r.violations[0].code).sort(), ["bad_logger", "unknown_level"]);
  assert.ok(backups > 5, `the files rotated (${backups} backups)`);
  for (const run of said) assert.match(run, /events_dropped=0 /, run);
  console.log(`files: ${lines} lines in ${files.size} files and ${backups} rotated backups`);
});

test("with a token: a page's events pass CORS preflight, leave by beacon on the way out, and a page without it is refused, not retried", async () => {
  const token = "s3cret-token-for-the-test";
  const dir = join(scratch, "logs-token");
  mkdirSync(dir);
  const at = { port: await freePort(), dir, token };
  const guarded = await startWriter(at);
  try {
    const writerUrl = `http://127.0.0.1:${at.port}`;
    const events = Array.from({ length: 200 }, (_, n) => ({ level: "INFO", logger: "stories.token", message: `kept ${id("tk", n)}` }));
    const leavingEvents = Array.from({ length: 20 }, (_, n) => ({ level: "INFO", logger: "stories.token", message: `leaving ${id("tl", n)}` }));

    const withToken = await browser.newPage();
    const errors = [];
    withToken.on("pageerror", (e) => errors.push(e.message));
    await withToken.goto(`${site.url}?writer=${writerUrl}&token=${token}`);
    await withToken.waitForFunction(() => document.querySelector("#state").textContent === "ready");
    const stats = await withToken.evaluate(async (events) => {
      for (const event of events) transport.log(event);
      await transport.flush();
      return transport.stats();
    }, events);
    assert.deepEqual(stats, { queued: 0, sent: events.length, beaconed: 0, rejected: 0, dropped: 0, failed: 0, retries: 0 });
    assert.deepEqual(await withToken.evaluate(() => failures), []);

    // Events still queued when the page goes away leave by sendBeacon, the
    // token in the URL (a beacon cannot send it as a header).
    const queued = await withToken.evaluate((events) => {
      for (const event of events) leaving.log(event);
      return new Promise((resolve) => setTimeout(() => resolve(leaving.stats().queued), 50));
    }, leavingEvents);
    assert.equal(queued, leavingEvents.length);
    const before = await metric("barg_events_received_total", at.port, token);
    await withToken.goto("about:blank");
    await waitFor("the beacon", async () => (await metric("barg_events_received_total", at.port, token)) >= before + leavingEvents.length, 10_000);
    await withToken.close();
    assert.deepEqual(errors, []);

    // A page with no token: 401, reported once, not retried.
    const without = await browser.newPage();
    await without.goto(`${site.url}?writer=${writerUrl}`);
    await without.waitForFunction(() => document.querySelector("#state").textContent === "ready");
    const refused = await without.evaluate(async () => {
      transport.log({ level: "INFO", logger: "stories.token", message: "no token" });
      await transport.flush();
      return { stats: transport.stats(), failures: failures.map((f) => f.status) };
    });
    await without.close();
    assert.deepEqual(refused, { stats: { queued: 0, sent: 0, beaconed: 0, rejected: 0, dropped: 0, failed: 1, retries: 0 }, failures: [401] });
  } finally {
    await stopWriter(guarded);
  }

  const files = readLogs(dir);
  const written = [...files.values()].flat();
  const ids = written.map((line) => /\b(tk|tl)-\d{5}\b/.exec(line)?.[0]);
  assert.equal(new Set(ids).size, ids.length, "each event once");
  assert.deepEqual([...ids].sort(), [...Array.from({ length: 200 }, (_, n) => id("tk", n)), ...Array.from({ length: 20 }, (_, n) => id("tl", n))].sort());
  assert.ok(!written.join("\n").includes("no token"));
});
