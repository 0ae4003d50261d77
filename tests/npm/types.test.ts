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
