//! Integration tests, compiled into one binary.

mod util;

mod cli;
mod examples;
mod format;
mod properties;
mod python;
mod sanitize;
mod sanitize_peer;
mod sanitize_properties;
