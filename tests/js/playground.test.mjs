// The playground in headless Chromium: each preset is loaded and edited by
// typing, and what the page shows (violations, redactions, the three lines,
// the routes) must be what the native `barg` prints for the same text. Any
// console error fails the test. Screenshots, wide and narrow, are saved in
// the folder the test prints.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";
import { serve } from "./serve.mjs";
import { PRESETS } from "../../www/presets.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const barg = join(root, "target/release/barg");
const shots = join(root, "target/playground-screenshots");
const scratch = mkdtempSync(join(tmpdir(), "barg-playground-"));
const SETTINGS = { level: "INFO", mode: "strict", card: "last4", keys: "national_id" };
let server;
let browser;

/** Runs the native binary; returns stdout, whatever the exit status. */
function native(args, input, env = {}) {
  try {
    return execFileSync(barg, args, { input, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  } catch (error) {
    if (typeof error.status === "number" && error.status <= 1) return error.stdout;
    throw error;
  }
}

/** What the native binary says of one event line. */
function expected(line) {
  const config = join(scratch, "sanitizer.json");
  writeFileSync(config, JSON.stringify({ extra_keys: [SETTINGS.keys], card_display: SETTINGS.card }));
  const violations = native(["check", "--json"], line + "\n")
    .split("\n").filter(Boolean).map((l) => JSON.parse(l))
    .map((v) => ({ pointer: v.pointer, code: v.code, kind: v.severity === "error" ? "violation" : v.severity }));
  const valid = !violations.some((v) => v.kind === "violation");
  if (!valid) {
    return { violations, valid, lines: null, routes: ["rejected.log"], redactions: null };
  }
  const sanitized = JSON.parse(native(["sanitize", "--report", "--config", config], line + "\n"));
  const eventLine = JSON.stringify(sanitized.event);
  const lines = Object.fromEntries(["simple", "verbose", "json"].map((f) => [f, native(["format", "--format", f], eventLine + "\n").replace(/\n$/, "")]));
  const routed = native(["route"], eventLine + "\n", { BARG_LOG_LEVEL: SETTINGS.level }).trim();
  return {
    violations,
    valid,
    lines,
    routes: routed === "-" ? [] : routed.split(" "),
    redactions: sanitized.redactions.map((r) => ({ path: r.path, rule: r.rule })),
  };
}

/** What the page shows for its one event. */
async function shown(page) {
  return page.evaluate(() => {
    const card = document.querySelector(".event");
    const data = (selector, keys) => [...card.querySelectorAll(selector)].filter((li) => li.dataset[keys[0]] !== undefined)
      .map((li) => Object.fromEntries(keys.map((k) => [k, li.dataset[k]])));
    const valid = !card.classList.contains("invalid");
    return {
      violations: data(".violations li", ["pointer", "code", "kind"]),
      valid,
      lines: valid ? Object.fromEntries([...card.querySelectorAll(".line")].map((p) => [p.dataset.format, p.textContent])) : null,
      routes: data(".routes li", ["file"]).map((r) => r.file).filter(Boolean),
      redactions: valid ? data(".redactions li", ["path", "rule"]) : null,
      marks: document.querySelectorAll("#marks mark").length,
    };
  });
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await serve(join(root, "www"));
  browser = await launch();
  console.log(`# screenshots: ${shots}`);
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

for (const name of Object.keys(PRESETS)) {
  test(`preset ${name}: the page shows what native barg prints`, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    const settings = new URLSearchParams(SETTINGS);
    await page.goto(`${server.url}#${settings}`);
    await page.waitForSelector("body[data-ready]");
    await page.click(`[data-preset="${name}"]`);

    // Type an edit: the whole event, compact, with a changed message.
    const edited = { ...PRESETS[name], message: `${PRESETS[name].message ?? ""} (edited)` };
    if (name === "invalid") delete edited.message;
    const line = JSON.stringify(edited);
    await page.focus("#editor");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(line.slice(0, -1));
    await page.keyboard.type(line.slice(-1));

    const got = await shown(page);
    const want = expected(line);
    assert.deepEqual(got.violations, want.violations, "violations");
    assert.equal(got.valid, want.valid, "verdict");
    assert.deepEqual(got.lines, want.lines, "formatted lines");
    assert.deepEqual(got.routes, want.routes, "routes");
    assert.deepEqual(got.redactions, want.redactions, "redactions");
    assert.equal(got.marks > 0, want.violations.length > 0, "violations are marked in the editor");

    await page.screenshot({ path: join(shots, `${name}-wide.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, `${name}-narrow.png`), fullPage: true });
    assert.deepEqual(errors, [], "no console errors");
    await page.close();
  });
}

test("the state lives in the URL and the page works by keyboard", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready]");
  // Tab to the first preset and press it.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.preset), "story");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  const hash = await page.evaluate(() => location.hash);
  assert.match(decodeURIComponent(hash), /Payment|api/);
  // A fresh page at that link shows the same event.
  const again = await browser.newPage();
  await again.goto(server.url + hash);
  await again.waitForSelector("body[data-ready]");
  assert.equal(await again.inputValue("#editor"), await page.inputValue("#editor"));
  assert.deepEqual(errors, []);
  await page.close();
  await again.close();
});

/** A page at `hash`, ready, with its page errors collected. */
async function open(hash = "") {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(server.url + hash);
  await page.waitForSelector("body[data-ready]");
  return { page, errors };
}

/** Replaces the editor's text as a paste would. */
async function paste(page, text) {
  await page.fill("#editor", text);
  await page.dispatchEvent("#editor", "input");
}

test("the skip link moves the focus and keeps the event", async () => {
  const { page, errors } = await open();
  await page.click('[data-preset="payment"]');
  const before = await page.inputValue("#editor");
  await page.focus(".skip");
  await page.keyboard.press("Enter");
  assert.equal(await page.inputValue("#editor"), before);
  assert.equal(await page.evaluate(() => document.activeElement.id), "results");
  assert.deepEqual(errors, []);
  await page.close();
});

test("settings the page cannot take are left at their defaults or said, never a broken page", async () => {
  const event = JSON.stringify({ timestamp: "2025-12-26T10:30:45Z", level: "INFO", logger: "shop", message: "m" });
  const { page, errors } = await open(`#${new URLSearchParams({ e: event, level: "foo", mode: "x", card: "y" })}`);
  assert.deepEqual(await page.evaluate(() => ["level", "mode", "card"].map((id) => document.getElementById(id).value)), ["INFO", "strict", "redacted"]);
  assert.match(await page.textContent("#summary"), /^1 event: 1 valid, 0 invalid\.$/);
  await page.fill("#keys", "*");
  await page.dispatchEvent("#keys", "input");
  assert.match(await page.textContent("#summary"), /^Extra sensitive keys: .+\. Shown without them\. 1 event: 1 valid, 0 invalid\.$/);
  assert.equal(await page.textContent('.line[data-format="simple"]'), native(["format"], event + "\n").trim());
  assert.deepEqual(errors, []);
  await page.close();
});

test("the lines are written from the text: key order and large integers kept", async () => {
  const line = '{"timestamp":"2025-12-26T10:30:45Z","level":"INFO","logger":"shop","message":"m","extra_data":{"z":1,"10":2,"big":9007199254740993}}';
  const { page, errors } = await open();
  await paste(page, line);
  assert.equal(await page.textContent('.line[data-format="json"]'), native(["format", "--format", "json"], line + "\n").trim());
  assert.deepEqual(errors, []);
  await page.close();
});

test("deep nesting and a broken pretty-printed event are shown as one invalid event", async () => {
  const { page, errors } = await open();
  await paste(page, "[".repeat(5000) + "]".repeat(5000));
  assert.equal(await page.textContent("#summary"), "1 event: 0 valid, 1 invalid.");
  await page.click('[data-preset="payment"]');
  const broken = (await page.inputValue("#editor")).replace(/("level": "[A-Z]+"),/, "$1");
  await paste(page, broken);
  assert.equal(await page.textContent("#summary"), "1 event: 0 valid, 1 invalid.");
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll(".violations li")].map((li) => li.dataset.code)), ["not_json"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the playground works offline once loaded", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready]");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector("body[data-ready]");
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector("body[data-ready]");
  assert.match(await page.textContent("#summary"), /1 event: 1 valid/);
  await context.close();
});
