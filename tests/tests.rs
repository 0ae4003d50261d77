//! Integration tests, compiled into one binary.

mod util;

mod check;
mod cli;
mod examples;
mod format;
mod properties;
mod python;
mod schema;
