using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "barg.js", esModule = embed "../../pkg/web/barg.js"),
    (name = "barg_bg.wasm", wasm = embed "../../pkg/web/barg_bg.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
