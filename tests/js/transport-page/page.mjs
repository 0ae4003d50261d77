// A page that logs through barg's transport to the writer named in
// `?writer=http://127.0.0.1:PORT`. The test drives it through `window`.
import init from "./barg/barg.js";
import { createTransport } from "./barg/transport.js";

await init();
const params = new URLSearchParams(location.search);
const writer = params.get("writer");
// A writer that requires a token is given one with `&token=`.
const token = params.get("token") ?? undefined;
const url = `${writer}/v1/events`;

window.rejections = [];
window.failures = [];
window.transport = createTransport({
  url,
  token,
  batchSize: 50,
  flushIntervalMs: 200,
  maxQueue: 20000,
  retry: { baseMs: 100, maxMs: 2000 },
  onReject: (event, violations, by) => window.rejections.push({ event, violations, by }),
  onError: (failure) => window.failures.push(failure),
});
// A second transport whose events wait (a long interval, large batches)
// until the page goes away, to see them leave by sendBeacon.
window.leaving = createTransport({ url, token, batchSize: 1000, flushIntervalMs: 600000 });
document.querySelector("#state").textContent = "ready";
