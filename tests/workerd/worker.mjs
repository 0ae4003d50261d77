// An edge worker that answers a posted event with its normalised form, its
// lines and its routes, using the web build of barg.
import { initSync, parseEvent, format, route } from "./barg.js";
import wasm from "./barg_bg.wasm";

initSync({ module: wasm });

export default {
  async fetch(request) {
    if (request.method !== "POST") {
      return new Response("POST an event\n", { status: 405 });
    }
    const text = await request.text();
    try {
      return Response.json({
        event: parseEvent(text),
        simple: format(text, "simple"),
        json: format(text, "json"),
        routes: route(text),
      });
    } catch (error) {
      return Response.json({ error: error.message }, { status: 400 });
    }
  },
};
