// The transport: events logged in a page, a Node process or an edge worker
// reach `barg write --http`.
//
// Every event goes through the wasm core before it leaves: validated and
// sanitized by a Pipeline (the events logged in one task cross into wasm
// together, in one prepareBatch), then queued as the JSON line the writer
// would write. The queue is bounded and drops its oldest events when full.
// Batches leave one at a time with fetch; network errors, 5xx and 429 are
// retried with exponential backoff and full jitter (Retry-After obeyed),
// any other 4xx drops the batch and says so. With `compress`, a batch
// leaves gzipped (Content-Encoding: gzip). When the page is hidden or
// goes away, what is queued leaves with navigator.sendBeacon (the token, if
// any, in the URL: a beacon cannot send headers).
//
// scripts/pkg places this file in each build of the package between the
// import of that build's Pipeline and Sanitizer and the build's own
// `createTransport`; the `export` keyword below is removed there, so the
// file must keep to one top-level `export`.

/** What the fetch standard lets keepalive requests carry in flight, together. */
const KEEPALIVE_BYTES = 64 * 1024;
/** The longest a timer can wait: setTimeout takes a 32-bit signed count of ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Logged events taken through wasm at once when a task logs many. */
const PREPARE_CHUNK = 1000;
/**
 * The longest invalid event sent whole, in UTF-16 units of its JSON text.
 * The writer keeps the first 4 KiB of what it refuses; a longer one goes as
 * the start of its text, a JSON string, so that no body limit turns it away.
 */
const INVALID_SENT = 8192;

const DEFAULTS = {
  batchSize: 100,
  maxBatchBytes: 60 * 1024,
  flushIntervalMs: 1000,
  maxQueue: 10000,
  retry: { baseMs: 500, maxMs: 30000 },
  timeoutMs: 30000,
  closeTimeoutMs: 10000,
  sendInvalid: true,
  compress: false,
};

export function createTransportOn(core, options) {
  return new Transport(core, settings(options));
}

/** The options with their defaults, checked once; a bad one is named. */
function settings(options) {
  if (options === null || typeof options !== "object") {
    throw new TypeError("createTransport takes an options object with a url");
  }
  // An option given as undefined takes its default, as if it were absent.
  const given = (object) => Object.fromEntries(Object.entries(object ?? {}).filter(([, v]) => v !== undefined));
  const s = { ...DEFAULTS, ...given(options), retry: { ...DEFAULTS.retry, ...given(options.retry) } };
  if (typeof s.url !== "string" || s.url === "") throw new TypeError("url: the writer's /v1/events address is required");
  try {
    // Relative to the page, where there is one; a relative URL elsewhere
    // would fail every request, and be retried for ever.
    new URL(s.url, globalThis.location?.href);
  } catch {
    throw new TypeError(`url: ${s.url} is not an absolute URL${globalThis.location ? " nor one relative to the page" : ""}`);
  }
  if (s.token !== undefined && (typeof s.token !== "string" || s.token === "")) throw new TypeError("token: a non-empty string");
  const whole = (name, value, min) => {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${name}: an integer of at least ${min}, not ${value}`);
  };
  whole("batchSize", s.batchSize, 1);
  whole("maxBatchBytes", s.maxBatchBytes, 1);
  whole("flushIntervalMs", s.flushIntervalMs, 0);
  whole("maxQueue", s.maxQueue, 1);
  whole("retry.baseMs", s.retry.baseMs, 1);
  whole("retry.maxMs", s.retry.maxMs, s.retry.baseMs);
  whole("timeoutMs", s.timeoutMs, 1);
  whole("closeTimeoutMs", s.closeTimeoutMs, 0);
  if (typeof s.compress !== "boolean") throw new TypeError(`compress: true or false, not ${s.compress}`);
  if (s.compress && typeof globalThis.CompressionStream !== "function") {
    throw new TypeError("compress: this runtime has no CompressionStream");
  }
  for (const name of ["onReject", "onError", "fetch"]) {
    if (s[name] !== undefined && typeof s[name] !== "function") throw new TypeError(`${name}: a function`);
  }
  s.fetch ??= globalThis.fetch?.bind(globalThis);
  if (typeof s.fetch !== "function") throw new TypeError("fetch: this runtime has none; pass options.fetch");
  return s;
}

/** The delay before retry number `attempt` (1, 2, ...): full jitter under an exponential ceiling. */
function backoff(retry, attempt) {
  const ceiling = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1));
  return Math.random() * ceiling;
}

/** Retry-After in milliseconds, from seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfter(response) {
  const value = response.headers?.get?.("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function utf8Length(text) {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

/**
 * A JSON value with every lone surrogate of its strings and keys made
 * U+FFFD, as `String.prototype.toWellFormed` does where it exists (not in
 * browsers before 2023).
 */
function wellFormed(value) {
  if (typeof value === "string") {
    return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  }
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [wellFormed(key), wellFormed(item)]));
  }
  return value;
}

/** Calls a user's callback; a callback that throws must not stop the transport. */
function notify(callback, ...args) {
  if (!callback) return;
  try {
    callback(...args);
  } catch (error) {
    console.error("barg transport: a callback threw", error);
  }
}

class Transport {
  #s;
  #pipeline;
  #sanitizer;
  #headers;
  /** The headers of a gzipped batch. */
  #gzipHeaders;
  /** Texts logged in this task, not yet through wasm: `{ seq, text }`. */
  #pending = [];
  /** Prepared events waiting to be sent, oldest first from `#head`: `{ seq, body, bytes, invalid }`. */
  #queue = [];
  #head = 0;
  /**
   * The batch being sent or waiting to be retried: `{ items, bytes, attempt,
   * waiting, timer }`, and, once sent, `keepaliveBytes` (what its keepalive
   * request carries), `abort` (its AbortController) and `abandoned`.
   */
  #batch = null;
  #timer = null;
  /** The number the next logged event gets; events settle in this order. */
  #seq = 0;
  /** Promises of flush(): `{ upTo, resolve }`. */
  #flushes = [];
  #closed = false;
  #unlisten = null;
  /** Where beacons go: the url, with the token when there is one. */
  #beaconUrl;
  #stats = { sent: 0, beaconed: 0, rejected: 0, dropped: 0, failed: 0, retries: 0 };

  constructor(core, s) {
    this.#s = s;
    this.#pipeline = new core.Pipeline({ validation: s.validation, sanitizer: s.sanitizer, format: "json" });
    this.#sanitizer = new core.Sanitizer(s.sanitizer);
    // text/plain keeps a request without a token "simple": no CORS
    // preflight, and the same body a beacon sends. The writer reads JSON
    // whatever the type says.
    this.#headers = { "content-type": "text/plain;charset=UTF-8" };
    if (s.token) this.#headers.authorization = `Bearer ${s.token}`;
    this.#gzipHeaders = { ...this.#headers, "content-encoding": "gzip" };
    this.#beaconUrl = s.token ? withQuery(s.url, "token", s.token) : s.url;
    this.#listen();
  }

  log(event) {
    if (this.#closed) {
      this.#stats.dropped++;
      return;
    }
    let text = event;
    if (typeof event !== "string") {
      // Written now, so that changing the object after log() changes nothing.
      let reason = "it is not a JSON value";
      try {
        text = JSON.stringify(event);
      } catch (error) {
        text = undefined;
        reason = error.message;
      }
      if (text === undefined) {
        this.#stats.rejected++;
        const message = `the event cannot be written as JSON: ${reason}`;
        notify(this.#s.onReject, null, [{ pointer: "", code: "not_json", message }], "transport");
        return;
      }
    }
    this.#pending.push({ seq: this.#seq++, text });
    if (this.#pending.length >= PREPARE_CHUNK) this.#prepare();
    else if (this.#pending.length === 1) queueMicrotask(() => this.#prepare());
  }

  flush() {
    this.#prepare();
    const upTo = this.#seq;
    if (this.#lowest() >= upTo) return Promise.resolve();
    const done = new Promise((resolve) => this.#flushes.push({ upTo, resolve }));
    // Someone waits now: the timers must keep a Node process alive.
    this.#timer?.ref?.();
    this.#batch?.timer?.ref?.();
    this.#pump();
    return done;
  }

  async close() {
    this.#closed = true;
    // Waits for what is queued at most closeTimeoutMs; the page's leaving
    // still hands the queue to the browser meanwhile.
    let deadline;
    const late = new Promise((resolve) => {
      deadline = setTimeout(() => resolve(true), this.#s.closeTimeoutMs);
    });
    const timedOut = await Promise.race([this.flush().then(() => false), late]);
    clearTimeout(deadline);
    if (timedOut) this.#abandon();
    this.#unlisten?.();
    this.#unlisten = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pipeline) {
      this.#pipeline.free();
      this.#sanitizer.free();
      this.#pipeline = this.#sanitizer = null;
    }
  }

  stats() {
    const queued = this.#pending.length + this.#queue.length - this.#head + (this.#batch?.items.length ?? 0);
    return { queued, ...this.#stats };
  }

  /**
   * Gives up what close() could not deliver in time: counted as failed and
   * said once to onError. A request on its way is aborted; the writer may
   * have written its events all the same.
   */
  #abandon() {
    this.#prepare();
    const batch = this.#batch;
    const events = this.#queue.length - this.#head + (batch?.items.length ?? 0);
    if (batch) {
      batch.abandoned = true;
      clearTimeout(batch.timer);
      batch.abort?.abort();
    }
    this.#batch = null;
    this.#queue = [];
    this.#head = 0;
    if (events > 0) {
      this.#stats.failed += events;
      const message = `closed with ${events} events undelivered: the writer did not take them within closeTimeoutMs (${this.#s.closeTimeoutMs} ms)`;
      notify(this.#s.onError, { status: null, message, events });
    }
    this.#settle();
  }

  /** The number of the oldest event not yet settled (sent, rejected, dropped or failed). */
  #lowest() {
    if (this.#batch) return this.#batch.items[0].seq;
    if (this.#head < this.#queue.length) return this.#queue[this.#head].seq;
    if (this.#pending.length) return this.#pending[0].seq;
    return this.#seq;
  }

  /**
   * A timer that, in Node, keeps the process alive only while someone
   * waits in flush() or close(): a program that does not wait for its
   * events must still be able to exit.
   */
  #later(callback, ms) {
    const timer = setTimeout(callback, ms);
    if (this.#flushes.length === 0) timer?.unref?.();
    return timer;
  }

  #settle() {
    const lowest = this.#lowest();
    const waiting = this.#flushes;
    this.#flushes = [];
    for (const flush of waiting) {
      if (flush.upTo <= lowest) flush.resolve();
      else this.#flushes.push(flush);
    }
  }

  /** Takes the events logged so far through wasm in one call and queues what may leave. */
  #prepare() {
    if (this.#pending.length === 0 || !this.#pipeline) return;
    const pending = this.#pending;
    this.#pending = [];
    let prepared;
    try {
      prepared = this.#pipeline.prepareBatch(pending.map((p) => p.text));
    } catch (error) {
      // Only a broken wasm instance gets here: nothing can be checked, so
      // nothing may leave.
      this.#stats.dropped += pending.length;
      notify(this.#s.onError, { status: null, message: `the wasm core failed: ${error.message}`, events: pending.length });
      this.#settle();
      return;
    }
    for (let i = 0; i < pending.length; i++) {
      const { seq, text } = pending[i];
      const verdict = prepared[i];
      if (verdict.valid) {
        this.#enqueue({ seq, body: verdict.line, bytes: utf8Length(verdict.line), invalid: false });
        continue;
      }
      this.#stats.rejected++;
      const sanitized = this.#sanitizedInput(text);
      notify(this.#s.onReject, sanitized ?? null, verdict.violations, "transport");
      // The writer records what it refuses in rejected.log, which is where
      // an operator looks for a misbehaving producer: the invalid event
      // goes there too, sanitized like any other.
      if (this.#s.sendInvalid && sanitized !== undefined) {
        let body = JSON.stringify(sanitized);
        if (body.length > INVALID_SENT) body = JSON.stringify(wellFormed(body.slice(0, INVALID_SENT)));
        this.#enqueue({ seq, body, bytes: utf8Length(body), invalid: true });
      }
    }
    this.#settle();
    this.#pump();
  }

  /**
   * An input that is not an event, sanitized as any JSON value (as a string
   * when it is not JSON). A lone surrogate (a string cut inside an emoji),
   * which no JSON reader of Unicode text takes, becomes U+FFFD.
   */
  #sanitizedInput(text) {
    let value = text;
    let json = text;
    try {
      value = JSON.parse(text);
    } catch {
      json = JSON.stringify(text);
    }
    try {
      return this.#sanitizer.sanitize(json).value;
    } catch {}
    try {
      return this.#sanitizer.sanitize(JSON.stringify(wellFormed(value))).value;
    } catch {
      return undefined;
    }
  }

  #enqueue(item) {
    this.#queue.push(item);
    const over = this.#queue.length - this.#head - this.#s.maxQueue;
    if (over > 0) {
      this.#head += over;
      this.#stats.dropped += over;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Sends the next batch when one is due; else makes sure the interval will. */
  #pump() {
    if (this.#batch) return;
    const queued = this.#queue.length - this.#head;
    if (queued === 0) return;
    const head = this.#queue[this.#head].seq;
    const due = queued >= this.#s.batchSize || this.#flushes.some((f) => f.upTo > head);
    if (!due) {
      this.#timer ??= this.#later(() => {
        this.#timer = null;
        if (!this.#batch) this.#send();
      }, this.#s.flushIntervalMs);
      return;
    }
    this.#send();
  }

  /** The oldest queued events, at most batchSize of them and maxBatchBytes of body (one at least). */
  #take(maxBytes) {
    const items = [];
    let bytes = 1;
    while (this.#head < this.#queue.length && items.length < this.#s.batchSize) {
      const item = this.#queue[this.#head];
      if (items.length > 0 && bytes + item.bytes + 1 > maxBytes) break;
      items.push(item);
      bytes += item.bytes + 1;
      this.#head++;
    }
    return { items, bytes };
  }

  #send() {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const { items, bytes } = this.#take(this.#s.maxBatchBytes);
    if (items.length === 0) return;
    this.#batch = { items, bytes, attempt: 0, waiting: false, timer: null };
    this.#attempt(this.#batch);
  }

  async #attempt(batch) {
    batch.waiting = false;
    let payload;
    let headers = this.#headers;
    let bytes = batch.bytes;
    if (this.#s.compress) {
      try {
        // Compressed once, whatever the retries.
        payload = await (batch.gzipped ??= gzip(body(batch.items)));
        headers = this.#gzipHeaders;
        bytes = payload.byteLength;
      } catch {
        // Sent as it is: the writer takes either.
      }
    }
    payload ??= body(batch.items);
    if (batch.abandoned) return;
    // A page may go away while a batch is on its way; keepalive lets it
    // arrive, within the budget the fetch standard gives, which #leave
    // shares with it.
    const keepalive = bytes <= KEEPALIVE_BYTES;
    batch.keepaliveBytes = keepalive ? bytes : 0;
    // An attempt not answered (its body read) within timeoutMs is given up
    // and retried: a writer that hangs must not hold the queue for ever.
    batch.abort = typeof AbortController === "function" ? new AbortController() : undefined;
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = this.#later(() => {
        batch.abort?.abort();
        reject(new Error("timed out"));
      }, this.#s.timeoutMs);
    });
    const timed = (promise) => Promise.race([promise, timeout]);
    timeout.catch(() => {});
    let response;
    try {
      response = await timed(this.#s.fetch(this.#s.url, { method: "POST", headers, body: payload, keepalive, signal: batch.abort?.signal }));
    } catch {
      clearTimeout(timer);
      if (!batch.abandoned) this.#retry(batch, undefined);
      return;
    }
    if (response.ok) {
      let answer;
      try {
        answer = await timed(response.json());
      } catch {
        // A 200 means written, whatever became of its body.
      }
      clearTimeout(timer);
      if (!batch.abandoned) this.#delivered(batch, answer);
    } else if (response.status === 429 || response.status >= 500) {
      clearTimeout(timer);
      response.body?.cancel?.().catch(() => {});
      if (!batch.abandoned) this.#retry(batch, retryAfter(response));
    } else {
      let message = `the writer answered ${response.status}`;
      try {
        const problem = await timed(response.json());
        if (typeof problem?.error === "string") message += `: ${problem.error}`;
      } catch {
        // The status says enough.
      }
      clearTimeout(timer);
      if (batch.abandoned) return;
      this.#stats.failed += batch.items.length;
      notify(this.#s.onError, { status: response.status, message, events: batch.items.length });
      this.#finish();
    }
  }

  /**
   * Waits, then sends the batch again: `after` (from Retry-After) when the
   * writer said, never sooner than the base delay (a `Retry-After: 0` on
   * every answer is no reason to spin) nor later than a timer can wait;
   * else the backoff.
   */
  #retry(batch, after) {
    batch.attempt++;
    this.#stats.retries++;
    batch.waiting = true;
    const delay = after === undefined ? backoff(this.#s.retry, batch.attempt) : Math.min(MAX_TIMER_MS, Math.max(after, this.#s.retry.baseMs));
    batch.timer = this.#later(() => this.#attempt(batch), delay);
  }

  #delivered(batch, answer) {
    this.#stats.sent += batch.items.length;
    for (const result of Array.isArray(answer?.results) ? answer.results : []) {
      const item = batch.items[result?.index];
      if (result?.status !== "rejected" || !item || item.invalid) continue;
      this.#stats.rejected++;
      notify(this.#s.onReject, JSON.parse(item.body), Array.isArray(result.violations) ? result.violations : [], "writer");
    }
    this.#finish();
  }

  #finish() {
    this.#batch = null;
    this.#settle();
    this.#pump();
  }

  /** In a page: what is queued leaves when the page is hidden or goes away. */
  #listen() {
    const page = globalThis.document;
    if (typeof page?.addEventListener !== "function" || typeof globalThis.addEventListener !== "function") return;
    const hidden = () => {
      if (page.visibilityState === "hidden") this.#leave(false);
    };
    const gone = () => this.#leave(true);
    page.addEventListener("visibilitychange", hidden);
    globalThis.addEventListener("pagehide", gone);
    this.#unlisten = () => {
      page.removeEventListener("visibilitychange", hidden);
      globalThis.removeEventListener("pagehide", gone);
    };
  }

  /**
   * Hands the queue to the browser to deliver after the page: sendBeacon
   * (the token, which a beacon cannot send as a header, in the URL's
   * `?token=`), or a keepalive fetch where there is no sendBeacon. Both
   * share the 64 KiB the browser keeps for such requests; what does not
   * fit stays queued for when the page comes back. When the page goes
   * away, a batch waiting out a backoff goes along as a last attempt; when
   * it is only hidden, that batch keeps waiting.
   */
  #leave(gone) {
    this.#prepare();
    const batch = this.#batch;
    if (gone && batch?.waiting) {
      clearTimeout(batch.timer);
      this.#batch = null;
      this.#queue.splice(this.#head, 0, ...batch.items);
    }
    // Only a request that went with keepalive holds part of the budget.
    const inFlight = this.#batch && !this.#batch.waiting ? (this.#batch.keepaliveBytes ?? 0) : 0;
    let budget = KEEPALIVE_BYTES - inFlight;
    const beacon = typeof globalThis.navigator?.sendBeacon === "function";
    while (this.#head < this.#queue.length) {
      const start = this.#head;
      const { items, bytes } = this.#take(Math.min(this.#s.maxBatchBytes, budget));
      let handed = bytes <= budget;
      if (handed && beacon) {
        handed = globalThis.navigator.sendBeacon(this.#beaconUrl, body(items));
      } else if (handed) {
        this.#s.fetch(this.#s.url, { method: "POST", headers: this.#headers, body: body(items), keepalive: true })
          .then((r) => r.body?.cancel?.())
          .catch(() => {});
      }
      if (!handed) {
        this.#head = start;
        break;
      }
      budget -= bytes;
      this.#stats.beaconed += items.length;
    }
    this.#settle();
    // What the browser would not take stays queued, and must still leave
    // if the page lives on (restored from the back-forward cache).
    this.#pump();
  }
}

function withQuery(url, name, value) {
  const at = new URL(url, globalThis.location?.href);
  at.searchParams.set(name, value);
  return at.href;
}

/** The text as gzip, for `Content-Encoding: gzip`: an ArrayBuffer, which any fetch takes as a body. */
async function gzip(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

function body(items) {
  let text = "[";
  for (let i = 0; i < items.length; i++) text += (i ? "," : "") + items[i].body;
  return text + "]";
}
