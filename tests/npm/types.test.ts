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
