// The released npm package, as its users get it: packed from pkg/, installed
// into a scratch project, then used from Node (ESM, CommonJS, TypeScript),
// from a Vite app running in Chromium, and from a workerd edge worker.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";
import { freePort, serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const bin = join(here, "node_modules/.bin");
let scratch;

function run(command, args, cwd) {
  // A nested `node --test` must report as a top-level run, not to this one.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  try {
    return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  }
}

before(() => {
  scratch = mkdtempSync(join(tmpdir(), "barg-npm-"));
  run("npm", ["pack", "--silent", "--pack-destination", scratch, join(root, "pkg")], root);
  const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
  assert.ok(tarball, "npm pack made a tarball");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, tarball)], scratch);
  cpSync(join(root, "tests/npm"), scratch, { recursive: true });
  console.log(`# scratch project: ${scratch}`);
});

after(() => {
  if (scratch && !process.env.BARG_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
});

test("the package works from ESM and CommonJS (node --test)", () => {
  const out = run(process.execPath, ["--test", "api.test.mjs", "require.test.cjs", "web.test.mjs"], scratch);
  assert.match(out, /# fail 0/);
  assert.match(out, /# pass (\d+)/);
});

test("the package's TypeScript declarations are precise", () => {
  run(join(bin, "tsc"), [
    "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
    "--target", "esnext", "--skipLibCheck", "false", "types.test.ts",
  ], scratch);
  const declarations = run("cat", [join(scratch, "node_modules/barg/node/barg.d.ts")], scratch);
  const code = declarations.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(code, /\bany\b/, "no `any` on the public surface");
  assert.match(code, /export function format\(input: EventInput \| string, format: Format, options\?: FormatOptions/);
  for (const build of ["node", "bundler", "web"]) {
    const transport = run("cat", [join(scratch, `node_modules/barg/${build}/transport.d.ts`)], scratch);
    assert.doesNotMatch(transport.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""), /\bany\b/, `no \`any\` in ${build}/transport.d.ts`);
  }
});

test("a Vite app imports the bundler package and its transport, builds, and runs in Chromium", async () => {
  const app = join(scratch, "vite-app");
  cpSync(join(root, "tests/vite-app"), app, { recursive: true });
  run(process.execPath, [join(here, "node_modules/vite/bin/vite.js"), "build", "--config", join(here, "vite.config.mjs"), app], scratch);
  const server = await serve(join(app, "dist"));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector("#out").textContent.startsWith("{"));
    const out = JSON.parse(await page.textContent("#out"));
    assert.deepEqual(out, {
      simple: "[INFO] <time> stories.generation | Story created from template: 42",
      routes: ["derakht.log"],
      sent: ["Story created from template: 42", "paid with [REDACTED]"],
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test("a workerd worker validates and formats a posted event", async () => {
  const port = await freePort();
  const worker = spawn(join(bin, "workerd"), [
    "serve", join(root, "tests/workerd/config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`,
  ], { stdio: ["ignore", "inherit", "inherit"] });
  try {
    const url = `http://127.0.0.1:${port}/`;
    let response;
    for (let i = 0; i < 100 && !response; i++) {
      response = await fetch(url, {
        method: "POST",
        body: JSON.stringify({
          timestamp: "2025-12-26T10:30:45Z", level: "warn", logger: "security", message: "Failed login\nforged",
          extra_data: { event_type: "login_failed", severity: "medium" },
        }),
      }).catch(() => new Promise((r) => setTimeout(() => r(undefined), 100)));
    }
    assert.ok(response, "workerd answered");
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.simple, "[WARNING] 2025-12-26 10:30:45 security | Failed login\\nforged");
    assert.deepEqual(body.routes, ["derakht.log", "security.log"]);
    assert.equal(body.event.level, "WARNING");

    const bad = await fetch(url, { method: "POST", body: '{"level":"LOUD","logger":"a","message":"m"}' });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /unknown level "LOUD"/);
  } finally {
    worker.kill();
  }
});
