// Events per second for validate + sanitize + format of one realistic event
// (about 1 KB, with a password, a card number, a CVV, a token and an
// Authorization header in its request data), in one run:
//
//   - barg's npm package (the Node target, pkg/node/barg.js): a Pipeline with
//     the JSON format, one `prepare` call per event, and `prepareBatch` over
//     1000 events, which crosses into wasm once;
//   - pino with its `redact` option on the same secrets, writing to a no-op
//     stream and to /dev/null;
//   - ajv with barg's published JSON Schema, then @pinojs/redact on the same
//     paths, then JSON.stringify;
//   - the floor of barg's JS side: the event written as JSON text and the
//     result's JSON text parsed, with no work in between.
//
// Every contender's output is checked before it is timed: the event is
// valid, no secret is left in the line, each secret is replaced, and the
// rest of the event is still there. Each figure is the median of ROUNDS timed
// rounds of EVENTS events, after WARMUP untimed rounds.
//
// Run from the repository's root:
//
//   scripts/pkg && node bench/node/pipeline.mjs
//
// with the dependencies installed once by `npm ci --prefix bench/node` (pino,
// @pinojs/redact) and `npm ci --prefix tests/js` (ajv, set up by
// tests/js/ajv.mjs as the vector test sets it up). The schema comes from
// `barg schema`: $BARG, else target/release/barg. EVENTS, ROUNDS and WARMUP can be set in the
// environment, BARG_PKG to time another build of the Node target (a
// directory holding barg.js) in place of pkg/node, and BARG_BASELINE to time
// one more build in the same run, in rows of its own.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import redact from "@pinojs/redact";
import pino from "pino";

import { compile, schema } from "../../tests/js/ajv.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

const BATCH = 1000;
const EVENTS = Number(process.env.EVENTS ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const WARMUP = Number(process.env.WARMUP ?? 2);
if (EVENTS % BATCH !== 0) throw new Error(`EVENTS must be a multiple of ${BATCH}`);

// ---------------------------------------------------------------------------
// The event: a declined payment, logged with the request that made it.

const secrets = {
  password: "hunter2-Correct-Horse-Battery",
  card_number: "4111 1111 1111 1111",
  cvv: "737",
  token: "tok_1NvX7b2eZvKYlo2C9kB3qPzL",
  authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxNTIifQ.kq3Vx0b1Qm9cZ8wT",
};

const message = "Payment declined for order 3f2a9c1e-77: card_declined (insufficient_funds)";
const context = { user_id: 152, request_id: "req-108d243d", client_ip: "185.159.178.97" };
const extraData = {
  order_id: "3f2a9c1e-77",
  amount: 129.9,
  currency: "EUR",
  attempt: 2,
  gateway: { name: "stripe", status: "card_declined", decline_code: "insufficient_funds", latency_ms: 412.7 },
  request_data: {
    method: "POST",
    path: "/api/shop/orders/3f2a9c1e-77/pay/",
    headers: {
      authorization: secrets.authorization,
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
      "x-request-id": "req-108d243d",
    },
    email: "omid.tehrani@example.ir",
    password: secrets.password,
    card_number: secrets.card_number,
    cvv: secrets.cvv,
    token: secrets.token,
    billing: { name: "Omid Tehrani", city: "Tabriz", postal_code: "51368", country: "IR" },
    items: [
      { sku: "BOOK-0192", quantity: 1, price: 89.9 },
      { sku: "PDF-0007", quantity: 2, price: 20.0 },
    ],
  },
};

const event = {
  timestamp: "2025-12-26T00:31:13.758133Z",
  level: "ERROR",
  logger: "shop.payments",
  message,
  module: "views",
  function: "pay_order",
  line: 214,
  context,
  extra_data: extraData,
};

// The same secrets as pino paths: where each one is in the event.
const paths = [
  "extra_data.request_data.password",
  "extra_data.request_data.card_number",
  "extra_data.request_data.cvv",
  "extra_data.request_data.token",
  "extra_data.request_data.headers.authorization",
];
const censor = "[REDACTED]";

/** Throws unless `line` is JSON with every secret replaced and the rest kept. */
function checkLine(name, line) {
  for (const [key, value] of Object.entries(secrets)) {
    if (line.includes(value)) throw new Error(`${name}: the ${key} is in the line: ${line}`);
  }
  const out = JSON.parse(line);
  const request = out.extra_data?.request_data;
  for (const key of ["password", "card_number", "cvv", "token"]) {
    if (request?.[key] !== censor) throw new Error(`${name}: ${key} is ${JSON.stringify(request?.[key])}`);
  }
  if (request.headers?.authorization !== censor) throw new Error(`${name}: the Authorization header is kept`);
  for (const kept of [message, "3f2a9c1e-77", "insufficient_funds", "BOOK-0192", "req-108d243d"]) {
    if (!line.includes(kept)) throw new Error(`${name}: ${kept} is missing from the line`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Timing.

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median seconds per event of `round`, which handles EVENTS events and returns a checksum. */
function measure(round) {
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += round();
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    sink += round();
    samples.push(Number(process.hrtime.bigint() - start) / 1e9 / EVENTS);
  }
  if (sink === 0) throw new Error("no output");
  return median(samples);
}

// ---------------------------------------------------------------------------
// barg: the package's Node build.

const bargPath = join(process.env.BARG_PKG ?? join(root, "pkg", "node"), "barg.js");
if (!existsSync(bargPath)) {
  console.error(`${bargPath} is missing: build the package with scripts/pkg`);
  process.exit(2);
}
const barg = require(bargPath);
const pipeline = new barg.Pipeline({ format: "json" });
const baseline = process.env.BARG_BASELINE && new (require(join(process.env.BARG_BASELINE, "barg.js")).Pipeline)({ format: "json" });

function checkPrepared(name, prepared) {
  if (!prepared.valid) throw new Error(`${name}: invalid: ${JSON.stringify(prepared.violations)}`);
  if (prepared.redactions.length !== paths.length) {
    throw new Error(`${name}: ${prepared.redactions.length} redactions: ${JSON.stringify(prepared.redactions)}`);
  }
  checkLine(name, prepared.line);
}

const batch = Array.from({ length: BATCH }, () => event);
for (const [name, p] of [["barg", pipeline], ["baseline", baseline]]) {
  if (!p) continue;
  checkPrepared(`${name} prepare`, p.prepare(event));
  const checkedBatch = p.prepareBatch(batch);
  if (checkedBatch.length !== BATCH) throw new Error(`${name} prepareBatch: ${checkedBatch.length} results`);
  checkedBatch.forEach((prepared) => checkPrepared(`${name} prepareBatch`, prepared));
}

const bargPrepare = (pipeline) => () => {
  let n = 0;
  for (let i = 0; i < EVENTS; i++) {
    const prepared = pipeline.prepare(event);
    if (prepared.valid) n += prepared.line.length;
  }
  return n;
};

const bargBatch = (pipeline) => () => {
  let n = 0;
  for (let i = 0; i < EVENTS; i += BATCH) {
    for (const prepared of pipeline.prepareBatch(batch)) {
      if (prepared.valid) n += prepared.line.length;
    }
  }
  return n;
};

// ---------------------------------------------------------------------------
// pino: redact on the same paths, the event's fields as the log object.

function pinoLogger(paths, destination) {
  return pino({ name: event.logger, redact: { paths, censor } }, destination);
}

/** The line `paths` make, caught by a stream that keeps it. */
function pinoLine(paths) {
  let line = "";
  const logger = pinoLogger(paths, { write: (chunk) => (line += chunk) });
  logger.error({ extra_data: extraData, context }, message);
  return line.trimEnd();
}

// The same five secrets, found by wildcards below extra_data.
const wildcardPaths = ["extra_data.*.password", "extra_data.*.card_number", "extra_data.*.cvv", "extra_data.*.token", "extra_data.*.headers.authorization"];
checkLine("pino", pinoLine(paths));
checkLine("pino, wildcard paths", pinoLine(wildcardPaths));

function pinoRound(logger) {
  return () => {
    for (let i = 0; i < EVENTS; i++) logger.error({ extra_data: extraData, context }, message);
    return EVENTS;
  };
}

let written = 0;
const noop = { write: (chunk) => (written += chunk.length) };
const devNull = () => pino.destination({ dest: "/dev/null", sync: true });

// ---------------------------------------------------------------------------
// ajv + @pinojs/redact + JSON.stringify, with barg's published schema.

if (!process.env.BARG && existsSync(join(root, "target", "release", "barg"))) {
  process.env.BARG = join(root, "target", "release", "barg");
}
const validate = compile(schema());
const redactToJson = redact({ paths, censor, serialize: JSON.stringify });

if (!validate(event)) throw new Error(`ajv: invalid: ${JSON.stringify(validate.errors)}`);
checkLine("ajv + @pinojs/redact", redactToJson(event));
if (event.extra_data.request_data.password !== secrets.password) throw new Error("@pinojs/redact changed the event");
const broken = { ...event, level: "LOUD" };
if (validate(broken)) throw new Error("ajv: accepts a level that barg refuses");
if (pipeline.prepare(broken).valid) throw new Error("barg: accepts a level it should refuse");

const ajvRound = () => {
  let n = 0;
  for (let i = 0; i < EVENTS; i++) {
    if (validate(event)) n += redactToJson(event).length;
  }
  return n;
};

// ---------------------------------------------------------------------------
// The floor of any wasm API over JS objects: the event written as JSON text to
// cross into wasm, and the result's JSON text read back as barg reads it. No
// checking, no redaction: what barg's JS side costs before wasm does any work
// (the line's copy out of wasm memory not counted).

// The result as barg's JSON text holds it: the line is not in that text but
// handed over as a string of its own.
const { line: _, ...parsedPart } = pipeline.prepare(event);
const resultText = JSON.stringify(parsedPart);
const floorRound = () => {
  let n = 0;
  for (let i = 0; i < EVENTS; i++) n += JSON.stringify(event).length + (JSON.parse(resultText).valid ? 1 : 0);
  return n;
};

// ---------------------------------------------------------------------------
// One run, one table.

const contenders = [
  ["barg Pipeline.prepare, per event", bargPrepare(pipeline)],
  [`barg Pipeline.prepareBatch, ${BATCH} per call`, bargBatch(pipeline)],
  ...(baseline
    ? [
        ["baseline Pipeline.prepare, per event", bargPrepare(baseline)],
        [`baseline Pipeline.prepareBatch, ${BATCH} per call`, bargBatch(baseline)],
      ]
    : []),
  ["pino redact -> no-op stream", pinoRound(pinoLogger(paths, noop))],
  ["pino redact -> /dev/null (sync)", pinoRound(pinoLogger(paths, devNull()))],
  ["pino redact, wildcard paths -> /dev/null", pinoRound(pinoLogger(wildcardPaths, devNull()))],
  ["ajv + @pinojs/redact + JSON.stringify", ajvRound],
  ["floor: JSON.stringify + JSON.parse, no work", floorRound],
];
const reference = "pino redact -> no-op stream";

const results = contenders.map(([name, round]) => ({ name, seconds: measure(round) }));
if (written === 0) throw new Error("pino wrote nothing");
const base = results.find((r) => r.name === reference).seconds;

const size = Buffer.byteLength(JSON.stringify(event));
console.log(
  `node ${process.version}, one ${size}-byte event with ${paths.length} secrets, ` +
    `median of ${ROUNDS} rounds of ${EVENTS} events after ${WARMUP} warm-up rounds\n`,
);
const header = ["contender", "events/s", "ns/event", "vs pino"];
const rows = results.map(({ name, seconds }) => [
  name,
  Math.round(1 / seconds).toLocaleString("en-US"),
  Math.round(seconds * 1e9).toLocaleString("en-US"),
  `${(base / seconds).toFixed(2)}x`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const show = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(show(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
rows.forEach((r) => console.log(show(r)));
console.log(`\n"vs pino" is speed relative to "${reference}"; above 1 is faster.`);
