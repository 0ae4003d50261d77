//! The `barg` command.

mod cli;

use std::process::ExitCode;

// Events are built on the admission threads and freed on the writer thread;
// mimalloc handles that hand-over with far less work than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::run()
}
