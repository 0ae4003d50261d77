# Sourced by the scripts: installs each tool only when it is missing, so a
# second run costs nothing and a fresh machine gets everything.

WASM_BINDGEN_VERSION=0.2.130

need_rust_tools() {
  command -v cargo >/dev/null || { echo "barg needs Rust: install rustup" >&2; exit 2; }
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
}

need_wasm_tools() {
  need_rust_tools
  command -v wasm-pack >/dev/null || cargo install wasm-pack --locked
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

need_js_tools() {
  command -v node >/dev/null || { echo "barg's JavaScript tests need Node 20 and npm" >&2; exit 2; }
  if [ ! -x tests/js/node_modules/.bin/wasm-opt ] || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
    (cd tests/js && npm ci --no-audit --no-fund)
  fi
}

need_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi
}

# The wasm build's panic locations name their source files, though a panic
# there prints nothing: these flags shorten the names to paths inside the
# standard library, the registry and the crate.
short_source_paths() {
  local flags dir
  flags="--remap-path-prefix=$(rustc --print sysroot)/lib/rustlib/src/rust/library="
  flags="$flags --remap-path-prefix=$PWD/="
  for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
    flags="$flags --remap-path-prefix=$dir="
  done
  echo "$flags"
}
