// Builds a Vite app (its root is given on the command line) that imports the
// bundler build of barg. The config lives beside the tools it imports; the
// app resolves `barg` from its own node_modules.
import { defineConfig } from "vite";
import wasm from "vite-plugin-wasm";

export default defineConfig({
  plugins: [wasm()],
  build: { target: "esnext" },
  logLevel: "warn",
});
