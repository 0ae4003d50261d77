// The transport's declarations; scripts/pkg places a copy beside each
// build's barg.d.ts.
import type { EventInput, JsonValue, SanitizerConfig, ValidatorConfig, Violation } from "./barg.js";

/** Options of `createTransport`; only `url` is required. */
export interface TransportOptions {
  /** The writer's ingest address, such as `https://logs.example/v1/events`. */
  url: string;
  /** Sent as `Authorization: Bearer TOKEN`; a beacon, which cannot send a header, carries it as `?token=TOKEN`. */
  token?: string;
  /** Events per request; 100 by default. */
  batchSize?: number;
  /** Bytes of body per request (one larger event still goes alone); 61440 by default, under the 64 KiB a keepalive request may carry. */
  maxBatchBytes?: number;
  /** How long a queued event waits for a full batch; 1000 ms by default. */
  flushIntervalMs?: number;
  /** Events kept waiting at most; past it the oldest are dropped and counted. 10000 by default. */
  maxQueue?: number;
  /** Backoff between retries: full jitter under `baseMs * 2^(n-1)`, at most `maxMs`; 500 and 30000 by default. */
  retry?: { baseMs?: number; maxMs?: number };
  /** How long one request may go unanswered before it is given up and retried; 30000 ms by default. */
  timeoutMs?: number;
  /** How long `close()` waits for the queue to leave; past it what is left counts as failed and `onError` says so. 10000 ms by default. */
  closeTimeoutMs?: number;
  /** The validator's configuration, as the writer's `[validation]`. */
  validation?: ValidatorConfig;
  /** The sanitizer's configuration, as the writer's `[sanitizer]`. */
  sanitizer?: SanitizerConfig;
  /** Whether an event that fails validation is still sent, sanitized, for the writer's `rejected.log`; true by default. */
  sendInvalid?: boolean;
  /**
   * Whether batches leave gzipped, with `Content-Encoding: gzip` (which the
   * writer inflates within its `max_body_bytes`); false by default. Needs
   * `CompressionStream`; from another origin, the header costs a CORS
   * preflight. What a page hands to `sendBeacon` as it goes leaves as it is.
   */
  compress?: boolean;
  /**
   * Called once per event found invalid, by the transport before sending or by
   * the writer in its answer, with the event as sanitized (null when it could
   * not be written as JSON) and every violation.
   */
  onReject?: (event: JsonValue, violations: Violation[], by: "transport" | "writer") => void;
  /** Called when events are given up: a batch refused as a whole (a 4xx other than 429), a failure of the wasm core, or what `close()` could not deliver within `closeTimeoutMs`. */
  onError?: (failure: TransportFailure) => void;
  /** The fetch to use; the runtime's by default. */
  fetch?: (url: string, init: TransportRequest) => Promise<TransportResponse>;
}

/** Events given up, and why. */
export interface TransportFailure {
  /** The writer's status, or null when the transport itself failed. */
  status: number | null;
  message: string;
  /** How many events were given up. */
  events: number;
}

/** What the transport asks of fetch. */
export interface TransportRequest {
  method: "POST";
  headers: Record<string, string>;
  /** The batch's JSON text, or its gzip with `compress`. */
  body: string | ArrayBuffer;
  keepalive: boolean;
  /** Aborts the request once `timeoutMs` has passed without an answer. */
  signal?: AbortSignal;
}

/** What the transport reads of a fetch response. */
export interface TransportResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/** Counts of events since the transport was made. */
export interface TransportStats {
  /** Logged and not yet settled: waiting, or in a request. */
  queued: number;
  /** Answered by the writer with a 200 (accepted or, per event, rejected). */
  sent: number;
  /** Handed to sendBeacon or a keepalive fetch as the page was hidden or went away. */
  beaconed: number;
  /** Found invalid, by the transport or by the writer; each event once. */
  rejected: number;
  /** Discarded unsent: the oldest when the queue was full, or logged after close(). */
  dropped: number;
  /** In batches the writer refused as a whole (a 4xx other than 429), or still undelivered when `close()` gave up. */
  failed: number;
  /** Requests repeated after a network error, a 5xx or a 429. */
  retries: number;
}

/** Sends events to `barg write --http`, validated and sanitized first. */
export interface Transport {
  /** Queues an event (an object or JSON text); never throws. */
  log(event: EventInput | string): void;
  /** Sends everything logged so far; resolves when each of those events is settled. */
  flush(): Promise<void>;
  /** Stops taking events, flushes for at most `closeTimeoutMs`, and frees the wasm objects. */
  close(): Promise<void>;
  stats(): TransportStats;
}

/**
 * A transport to the writer. With the web build, call it after `init()`
 * (or `initSync`).
 */
export function createTransport(options: TransportOptions): Transport;
