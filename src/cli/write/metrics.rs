//! The writer's counters, shared by the sources and the writer thread, and
//! their two renderings: Prometheus text for `GET /metrics` and the
//! `--stats` summary.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::batch::Batch;

/// Reads one counter of a file.
type Reading = fn(&FileCounters) -> u64;

/// Counters of one file.
#[derive(Default)]
pub struct FileCounters {
    /// The file's path in the log directory.
    pub name: String,
    /// Lines written.
    pub lines: AtomicU64,
    /// Bytes written, line breaks included.
    pub bytes: AtomicU64,
    /// Rollovers done.
    pub rotations: AtomicU64,
    /// Rolled-over files that could not be made backups (moved to their
    /// backup's name, or compressed into it), and were kept aside.
    pub backup_failures: AtomicU64,
}

/// Every counter of a running writer.
#[derive(Default)]
pub struct Metrics {
    /// Lines and array elements received from every source.
    pub received: AtomicU64,
    /// Of those, admitted as events.
    pub accepted: AtomicU64,
    /// Of those, rejected (and written to `rejected.log`).
    pub rejected: AtomicU64,
    /// Admitted events below the threshold or taken by no file.
    pub unrouted: AtomicU64,
    /// Events or rejections lost: the writer gave up on them.
    pub dropped: AtomicU64,
    /// Failed writes, each retried.
    pub write_errors: AtomicU64,
    /// Unfinished lines discarded when a client went away mid-line.
    pub partial_lines: AtomicU64,
    /// The log files, then `rejected.log`.
    pub files: Vec<Arc<FileCounters>>,
}

impl Metrics {
    /// Counters for these files.
    pub fn new(names: impl IntoIterator<Item = String>) -> Metrics {
        Metrics {
            files: names
                .into_iter()
                .map(|name| {
                    Arc::new(FileCounters {
                        name,
                        ..FileCounters::default()
                    })
                })
                .collect(),
            ..Metrics::default()
        }
    }

    /// Counts the items of a batch as received, and how they fared.
    pub fn count_batch(&self, batch: &Batch) {
        let items = batch.items as u64;
        self.received.fetch_add(items, Relaxed);
        self.accepted.fetch_add(batch.accepted, Relaxed);
        self.rejected.fetch_add(items - batch.accepted, Relaxed);
        self.unrouted.fetch_add(batch.unrouted, Relaxed);
    }

    fn totals(&self) -> [(&'static str, &'static str, u64); 7] {
        [
            (
                "barg_events_received_total",
                "Lines and array elements received.",
                self.received.load(Relaxed),
            ),
            (
                "barg_events_accepted_total",
                "Events admitted.",
                self.accepted.load(Relaxed),
            ),
            (
                "barg_events_rejected_total",
                "Inputs rejected and written to rejected.log.",
                self.rejected.load(Relaxed),
            ),
            (
                "barg_events_unrouted_total",
                "Events below the threshold or taken by no file.",
                self.unrouted.load(Relaxed),
            ),
            (
                "barg_events_dropped_total",
                "Events or rejections lost after retries.",
                self.dropped.load(Relaxed),
            ),
            (
                "barg_write_errors_total",
                "Failed writes, each retried.",
                self.write_errors.load(Relaxed),
            ),
            (
                "barg_partial_lines_total",
                "Unfinished lines discarded when a client left.",
                self.partial_lines.load(Relaxed),
            ),
        ]
    }

    /// The Prometheus text exposition; `queued` is the queue's fill.
    pub fn prometheus(&self, queued: usize, capacity: usize) -> String {
        let mut out = String::new();
        for (name, help, value) in self.totals() {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        let per_file: [(&str, &str, Reading); 4] = [
            (
                "barg_lines_written_total",
                "Lines written, per file.",
                |f| f.lines.load(Relaxed),
            ),
            (
                "barg_bytes_written_total",
                "Bytes written, per file.",
                |f| f.bytes.load(Relaxed),
            ),
            ("barg_rotations_total", "Rollovers, per file.", |f| {
                f.rotations.load(Relaxed)
            }),
            (
                "barg_backup_failures_total",
                "Rolled-over files kept aside, not made backups, per file.",
                |f| f.backup_failures.load(Relaxed),
            ),
        ];
        for (name, help, value) in per_file {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for file in &self.files {
                let _ = writeln!(
                    out,
                    "{name}{{file=\"{}\"}} {}",
                    label(&file.name),
                    value(file)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP barg_queue_batches Batches waiting in the queue.\n# TYPE barg_queue_batches gauge\nbarg_queue_batches {queued}\n\
             # HELP barg_queue_capacity_batches The queue's capacity in batches.\n# TYPE barg_queue_capacity_batches gauge\nbarg_queue_capacity_batches {capacity}"
        );
        out
    }

    /// The `--stats` summary: one line of totals, one per file written to.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = vec![
            self.totals()
                .iter()
                .map(|(name, _, value)| {
                    let short = name.trim_start_matches("barg_").trim_end_matches("_total");
                    format!("{short}={value}")
                })
                .collect::<Vec<_>>()
                .join(" "),
        ];
        for file in &self.files {
            let mut line = format!(
                "{}: lines={} bytes={} rotations={}",
                file.name,
                file.lines.load(Relaxed),
                file.bytes.load(Relaxed),
                file.rotations.load(Relaxed)
            );
            let failures = file.backup_failures.load(Relaxed);
            if failures > 0 {
                let _ = write!(line, " backup_failures={failures}");
            }
            lines.push(line);
        }
        lines
    }
}

/// A label value escaped as Prometheus requires.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
