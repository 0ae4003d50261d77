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
  # scripts/pkg rebuilds the standard library for the package, from source.
  rustup component list --installed 2>/dev/null | grep -q '^rust-src' || rustup component add rust-src
  command -v wasm-pack >/dev/null || cargo install wasm-pack --locked
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# scripts/release: llvm-profdata, from the toolchain's own LLVM, merges the
# profiles of the instrumented build. Sets LLVM_PROFDATA.
need_pgo_tools() {
  rustup component list --installed 2>/dev/null | grep -q '^llvm-tools' || rustup component add llvm-tools
  LLVM_PROFDATA="$(rustc --print sysroot)/lib/rustlib/$(host_triple)/bin/llvm-profdata"
}

host_triple() {
  rustc -vV | sed -n 's/^host: //p'
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

# The package's wasm build settings, shared by scripts/pkg and bench/wasm-size.
# Size matters more than speed in the browser: the native binary keeps the
# release profile's speed settings, the wasm build overrides them here.
#
# The standard library is rebuilt with the package (rust-src) so that it is
# optimised for size too, and with panics that trap at once: in wasm a panic
# already ends the call with a trap and its message goes nowhere, so the
# formatting of panic messages and their locations is dead weight (12.5 KB
# gzip). The source paths that `#[track_caller]` and bounds checks still
# pass along are dropped too (-Zlocation-detail=none: 283 bytes of gzip).
# All are unstable cargo and rustc options, enabled on the stable
# toolchain for this build only. It has its own target directory, as other
# flags would rebuild the tests' wasm.
#
# LLVM's inliner is given a threshold of its own: at opt-level z it inlines
# almost nothing, and every `Vec::push` and byte test stays a call. 38 was
# both smaller and faster than z alone for the benchmark's event (the README
# has the measurements: the curve is not smooth, so a change of it is
# measured again).
wasm_pkg_env() {
  export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
  export CARGO_PROFILE_RELEASE_PANIC=abort
  export RUSTC_BOOTSTRAP=1
  export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Cllvm-args=-inline-threshold=38"
  export CARGO_TARGET_DIR=target/pkg
  WASM_BUILD_STD=(-Z build-std=std,panic_abort)
  # --converge repeats -Oz while it still shrinks the module; --flatten and
  # --rereloop between two -Oz rebuild the control flow, which -Oz then
  # packs tighter. --low-memory-unused: rustc places data at 1 MiB and the
  # stack below it, so no address under 1 KiB is ever a real access, and
  # wasm-opt may fold small constants into load and store offsets. The
  # producers and target_features sections are only build notes.
  WASM_OPT_FLAGS=(-Oz --flatten --rereloop -Oz --converge --low-memory-unused
    --strip-producers --strip-target-features
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
    --enable-mutable-globals --enable-reference-types --enable-multivalue)
}
