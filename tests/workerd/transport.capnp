# A worker that sends events to a barg writer on loopback through the
# package's transport (tests/js/transport-e2e.test.mjs).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Workers reach only public addresses unless told otherwise; the writer
    # of the test listens on 127.0.0.1.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "transport-worker.mjs"),
    (name = "barg.js", esModule = embed "../../pkg/web/barg.js"),
    (name = "transport.js", esModule = embed "../../pkg/web/transport.js"),
    (name = "barg_bg.wasm", wasm = embed "../../pkg/web/barg_bg.wasm"),
  ],
  compatibilityDate = "2025-01-01",
  globalOutbound = "loopback",
);
