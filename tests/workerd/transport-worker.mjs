// An edge worker that logs events through barg's transport: POST
// `{ "url": "<writer>/v1/events", "events": [...] }` and it answers, once
// the transport is closed (every event settled), with its counts, the
// events it was told were rejected, and how each request was encoded.
import { initSync } from "./barg.js";
import { createTransport } from "./transport.js";
import wasm from "./barg_bg.wasm";

initSync({ module: wasm });

export default {
  async fetch(request) {
    if (request.method !== "POST") {
      return new Response("POST { url, events }\n", { status: 405 });
    }
    const { url, events } = await request.json();
    const rejected = [];
    const failures = [];
    // How each request's body was encoded, to show that they left gzipped.
    const encodings = [];
    // One transport per request: a worker's I/O belongs to the request
    // that started it.
    const transport = createTransport({
      url,
      batchSize: 25,
      // Batches leave gzipped, and the writer inflates them.
      compress: true,
      fetch: (to, init) => {
        encodings.push(init.headers["content-encoding"] ?? "identity");
        return fetch(to, init);
      },
      retry: { baseMs: 50, maxMs: 500 },
      onReject: (event, violations, by) => rejected.push({ event, codes: violations.map((v) => v.code), by }),
      onError: (failure) => failures.push(failure),
    });
    for (const event of events) transport.log(event);
    await transport.close();
    return Response.json({ stats: transport.stats(), rejected, failures, encodings });
  },
};
