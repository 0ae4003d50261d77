//! Integration tests, compiled into one binary. The wasm tests are
//! `tests/wasm.rs`; both share `tests/common/`.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod util;

mod check;
mod cli;
mod examples;
mod format;
mod properties;
mod python;
mod sanitize;
mod sanitize_peer;
mod sanitize_properties;
mod schema;
mod write;
