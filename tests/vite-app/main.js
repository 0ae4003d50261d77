// A frontend that imports the bundler build of barg, as an app would.
import { Logger, format, route } from "barg";
import { createTransport } from "barg/transport";

const logger = new Logger("stories.generation", { user_id: 42 });
const event = logger.info("Story created from template: 42", { story_id: 5001 });

// The transport of the same build, with a stand-in for the writer.
const sent = [];
const transport = createTransport({
  url: "/v1/events",
  fetch: async (url, init) => {
    sent.push(...JSON.parse(init.body).map((e) => e.message));
    return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({}) };
  },
});
transport.log(event);
transport.log({ ...event, message: "paid with 4111 1111 1111 1111" });
transport.flush().then(() => {
  document.querySelector("#out").textContent = JSON.stringify({
    simple: format(event, "simple").replace(/^\[INFO\] \S+ \S+/, "[INFO] <time>"),
    routes: route(event),
    sent,
  });
});
