// Compiled with tsc --noEmit --strict: the package's declarations are
// precise, and misuse is a type error.
import { format, route, Logger, type Event, type Level } from "barg";

const event: Event = new Logger("stories", { user_id: 1 }).info("hello", { story_id: 1 });
const level: Level = event.level;
const line: string = format(event, "verbose");
const files: string[] = route({ level: "INFO", logger: "stories", message: "m" });
console.log(level, line, files);

// @ts-expect-error: not a format
format(event, "xml");
// @ts-expect-error: an event needs a logger
format({ level: "INFO", message: "m" }, "simple");

// The transport: its options and callbacks are typed, the runtime's fetch fits.
import { createTransport, type Transport, type TransportStats } from "barg/transport";
import type { Violation } from "barg";

const transport: Transport = createTransport({
  url: "http://127.0.0.1:8080/v1/events",
  batchSize: 50,
  retry: { baseMs: 100 },
  fetch,
  onReject: (rejected, violations: Violation[], by: "transport" | "writer") => console.log(rejected, violations, by),
  onError: (failure) => console.log(failure.status ?? "transport", failure.events),
});
transport.log(event);
transport.log('{"level":"INFO","logger":"a","message":"m"}');
const stats: TransportStats = transport.stats();
const dropped: number = stats.dropped;
const done: Promise<void> = transport.flush();
console.log(dropped, done);

// @ts-expect-error: the writer's address is required
createTransport({ batchSize: 1 });
// @ts-expect-error: an event needs a logger
transport.log({ level: "INFO", message: "m" });

// The configuration types come from the Rust types: every field may be left
// out, and a name that is not a rule, or a rule that cannot be switched off,
// is a type error.
import { Pipeline, sanitize, sanitizeBatch, validate, type Prepared, type Redaction, type SanitizerConfig } from "barg";

const config: SanitizerConfig = { extra_keys: ["national_id"], disabled_rules: ["iban"], limits: { max_depth: 8 } };
const redactions: Redaction[] = sanitize({ password: "p" }, config).redactions;
const prepared: Prepared = new Pipeline({ validation: { mode: "lenient" }, sanitizer: {}, format: "json" }).prepare(event);
const code: string = validate(event, { limits: { max_event_bytes: 1024 } }).violations.map((v) => v.code).join();
const batch = sanitizeBatch([{ password: "p" }, "[1]"], config);
const first = batch[0];
// An item is its result or its error.
const rules: string = "error" in first ? first.error : first.redactions.map((r) => r.rule).join();
console.log(redactions, prepared.line, code, rules);
// @ts-expect-error: a batch is an array or text
sanitizeBatch({ password: "p" });

// @ts-expect-error: not a rule
sanitize({}, { disabled_rules: ["passwords"] });
// @ts-expect-error: the depth limit is not a rule that can be switched off
sanitize({}, { disabled_rules: ["depth_limit"] });
// @ts-expect-error: not a mode
validate(event, { mode: "loose" });
