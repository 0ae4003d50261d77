//! The writer thread: the one owner of the log files. It drains the queue
//! of batches (routed and formatted by the sources, see `batch.rs`), appends
//! their lines and rotates, and is the only code that touches the files.
//!
//! It flushes whenever the queue runs empty and before answering an
//! [`Item::Ack`], so an acknowledged event is written (and, with
//! `fsync = "always"`, on disk). A failed write stops the draining: the
//! writer retries with growing pauses while the queue fills and the sources
//! wait. Nothing is given up except at shutdown, and what is given up is
//! counted as dropped.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use barg::rotation::Rotation;
use barg::route::REJECTED_LOG;
use tokio::sync::{mpsc, oneshot};

use super::batch::{Batch, Layout};
use super::config::{Config, Fsync, Rotate, defaults};
use super::diag;
use super::metrics::Metrics;
use super::rotating::RotatingFile;

/// What travels through the queue.
pub enum Item {
    /// The lines of admitted events and rejections, for each file in the
    /// order they arrived.
    Batch(Batch),
    /// Answered once everything queued before it is written (and synced
    /// with `fsync = "always"`): `true`, or `false` when that failed (a
    /// full disk while stopping, a failed sync), so nothing unwritten is
    /// acknowledged.
    Ack(oneshot::Sender<bool>),
    /// Reopen every file (SIGHUP).
    Reopen,
    /// Close the queue, write what is in it and stop.
    Stop,
}

/// Attempts at the last flush before buffered lines are given up.
const FINAL_ATTEMPTS: u32 = 5;

/// The writer, before its thread starts.
pub struct Writer {
    /// One per route, then `rejected.log`.
    files: Vec<RotatingFile>,
    /// Takes the written batches back for reuse.
    layout: Arc<Layout>,
    metrics: Arc<Metrics>,
    fsync: Fsync,
    fsync_interval: Duration,
    last_sync: Instant,
    failing: bool,
    /// Set when a stop is asked for: retries become bounded.
    stopping: Arc<AtomicBool>,
    /// Set when bounded retries failed while stopping.
    gave_up: bool,
    /// Handles to sync after a rollover: the file rolled over (or the dated
    /// file it was appended to), whose last lines are not synced, and the
    /// directory whose names changed.
    retired: Vec<File>,
    /// With `fsync = "interval"`, the thread that syncs and closes them.
    syncer: Option<Syncer>,
}

/// With `fsync = "interval"`, the thread that syncs files and closes the
/// handles it is given: files rolled over, and second handles on the open
/// ones when the interval is up. The writer does not wait for the disk (a
/// 10 MB file takes milliseconds, and the queue fills meanwhile); each sync
/// starts as soon as it is due.
struct Syncer {
    files: std::sync::mpsc::Sender<File>,
    thread: JoinHandle<()>,
}

impl Syncer {
    fn start(metrics: Arc<Metrics>) -> std::io::Result<Syncer> {
        let (files, synced) = std::sync::mpsc::channel::<File>();
        let thread = std::thread::Builder::new()
            .name("barg-sync".into())
            .spawn(move || {
                for file in synced {
                    sync_handle(&file, &metrics);
                }
            })?;
        Ok(Syncer { files, thread })
    }

    /// Waits until every file handed over is synced.
    fn finish(self) {
        drop(self.files);
        let _ = self.thread.join();
    }
}

impl Writer {
    /// Opens every file of the configuration under its directory.
    pub fn open(
        config: &Config,
        layout: Arc<Layout>,
        metrics: Arc<Metrics>,
        stopping: Arc<AtomicBool>,
    ) -> std::io::Result<Writer> {
        let dir = Path::new(&config.dir);
        let rotation = |max_bytes, backups| match config.rotate {
            Rotate::Size => Rotation::Size { max_bytes, backups },
            Rotate::Daily => Rotation::Daily {
                keep_days: config.keep_days,
            },
        };
        let table = config.route_table();
        // A directory handle is of use only to be synced.
        let syncs = config.fsync != Fsync::Never;
        let mut files = Vec::with_capacity(table.files.len() + 1);
        for route in &table.files {
            files.push(RotatingFile::open(
                dir,
                &route.path,
                rotation(route.max_bytes, route.backups),
                config.gzip,
                syncs,
            )?);
        }
        files.push(RotatingFile::open(
            dir,
            REJECTED_LOG,
            rotation(defaults::REJECTED_MAX_BYTES, defaults::REJECTED_BACKUPS),
            config.gzip,
            syncs,
        )?);
        let syncer = match config.fsync {
            Fsync::Interval => Some(Syncer::start(metrics.clone())?),
            Fsync::Never | Fsync::Always => None,
        };
        Ok(Writer {
            files,
            layout,
            metrics,
            fsync: config.fsync,
            fsync_interval: Duration::from_millis(config.fsync_interval_ms),
            last_sync: Instant::now(),
            failing: false,
            stopping,
            gave_up: false,
            retired: Vec::new(),
            syncer,
        })
    }

    /// Drains the queue until [`Item::Stop`] (and what was queued before the
    /// queue closed) or until every sender is gone.
    /// `runtime` provides the timer for waiting with a timeout.
    pub fn run(mut self, mut queue: mpsc::Receiver<Item>, runtime: tokio::runtime::Handle) {
        loop {
            let item = match queue.try_recv() {
                Ok(item) => item,
                Err(mpsc::error::TryRecvError::Empty) => {
                    // Idle: write what is buffered, then wait for more.
                    self.flush_all_retrying(&queue);
                    self.sync_if_due(false);
                    let wait = if self.fsync == Fsync::Interval {
                        self.fsync_interval
                    } else {
                        Duration::from_secs(3600)
                    };
                    match runtime.block_on(async { tokio::time::timeout(wait, queue.recv()).await })
                    {
                        Ok(Some(item)) => item,
                        Ok(None) => break,
                        Err(_) => continue,
                    }
                }
                Err(mpsc::error::TryRecvError::Disconnected) => break,
            };
            match item {
                Item::Batch(batch) => {
                    self.write(&batch);
                    self.layout.recycle(batch);
                    // The interval holds while the queue never runs empty.
                    if self.fsync == Fsync::Interval {
                        self.sync_if_due(false);
                    }
                    if self.failing {
                        self.flush_all_retrying(&queue);
                    }
                }
                Item::Ack(answer) => {
                    let written = self.flush_all_retrying(&queue);
                    let synced = self.sync_if_due(self.fsync == Fsync::Always);
                    let _ = answer.send(written && synced);
                }
                Item::Reopen => {
                    self.flush_all_retrying(&queue);
                    for (file, counters) in self.files.iter_mut().zip(&self.metrics.files) {
                        if let Err(error) = file.reopen(counters) {
                            diag::error(&format!("cannot reopen {}: {error}", file.name()));
                        }
                    }
                    diag::info("reopened the log files");
                }
                // No more items are taken; those already queued still are,
                // so whatever a source was told was queued gets written.
                Item::Stop => queue.close(),
            }
        }
        self.finish();
    }

    fn write(&mut self, batch: &Batch) {
        for ((file, lines), counters) in self
            .files
            .iter_mut()
            .zip(&batch.files)
            .zip(&self.metrics.files)
        {
            let result = file.append(lines, counters, &mut self.retired);
            note(result, &self.metrics, &mut self.failing);
        }
        for file in self.retired.drain(..) {
            retire(file, self.fsync, self.syncer.as_ref(), &self.metrics);
        }
    }

    fn flush_all(&mut self) -> bool {
        let mut ok = true;
        for (file, counters) in self.files.iter_mut().zip(&self.metrics.files) {
            if let Err(error) = file.flush(counters) {
                self.metrics.write_errors.fetch_add(1, Relaxed);
                if !self.failing {
                    diag::error(&format!("cannot write {}, retrying: {error}", file.name()));
                }
                self.failing = true;
                ok = false;
            }
        }
        ok
    }

    /// Flushes every file, pausing and retrying while writes fail. The
    /// queue is not read meanwhile, so the sources wait. When every sender
    /// is gone or a stop is asked for, the attempts are bounded. True when
    /// everything is written.
    fn flush_all_retrying(&mut self, queue: &mpsc::Receiver<Item>) -> bool {
        let mut pause = Duration::from_millis(50);
        let mut attempts = 0;
        while !self.flush_all() {
            attempts += 1;
            let ending = queue.is_closed() || self.stopping.load(Relaxed);
            // Once given up while stopping, one attempt per batch: the rest
            // of the queue is not held up by pauses.
            if ending && (self.gave_up || attempts >= FINAL_ATTEMPTS) {
                self.gave_up = true;
                return false;
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(2));
        }
        if self.failing {
            diag::info("writes succeed again");
            self.failing = false;
        }
        true
    }

    /// Syncs the files when `fsync` says it is time; false when a sync
    /// failed.
    fn sync_if_due(&mut self, now: bool) -> bool {
        let due = match self.fsync {
            Fsync::Never => false,
            Fsync::Always => true,
            Fsync::Interval => now || self.last_sync.elapsed() >= self.fsync_interval,
        };
        let mut synced = true;
        if due {
            for file in &mut self.files {
                let result = match &self.syncer {
                    Some(syncer) if !now => file.unsynced_handle().map(|handle| {
                        if let Some(handle) = handle {
                            retire(handle, self.fsync, Some(syncer), &self.metrics);
                        }
                    }),
                    _ => file.sync(),
                };
                if let Err(error) = result {
                    self.metrics.write_errors.fetch_add(1, Relaxed);
                    diag::error(&format!("cannot sync {}: {error}", file.name()));
                    synced = false;
                }
            }
            self.last_sync = Instant::now();
        }
        synced
    }

    /// The last flush, bounded; what cannot be written is counted dropped.
    fn finish(&mut self) {
        let mut pause = Duration::from_millis(50);
        for attempt in 1..=FINAL_ATTEMPTS {
            if self.flush_all() {
                break;
            }
            if attempt < FINAL_ATTEMPTS {
                std::thread::sleep(pause);
                pause *= 2;
            }
        }
        for file in &mut self.files {
            let lost = file.abandon();
            if lost > 0 {
                self.metrics.dropped.fetch_add(lost, Relaxed);
                diag::error(&format!("gave up {lost} lines for {}", file.name()));
            }
        }
        if self.fsync != Fsync::Never {
            let handles: Vec<File> = self
                .files
                .iter_mut()
                .filter_map(|file| file.unsynced_handle().ok().flatten())
                .collect();
            // The files reach the disk together, not one after the other.
            let metrics = &*self.metrics;
            std::thread::scope(|scope| {
                for handle in &handles {
                    let sync = std::thread::Builder::new()
                        .name("barg-sync".into())
                        .spawn_scoped(scope, move || sync_handle(handle, metrics));
                    if sync.is_err() {
                        sync_handle(handle, metrics);
                    }
                }
            });
        }
        if let Some(syncer) = self.syncer.take() {
            syncer.finish();
        }
    }
}

/// Syncs a handle as `fsync` says, and closes it: at once with `always`
/// (its lines may be acknowledged next), on the syncing thread with
/// `interval`, not at all with `never`.
fn retire(file: File, fsync: Fsync, syncer: Option<&Syncer>, metrics: &Metrics) {
    let file = match (fsync, syncer) {
        (Fsync::Never, _) => return,
        (Fsync::Interval, Some(syncer)) => match syncer.files.send(file) {
            Ok(()) => return,
            Err(returned) => returned.0,
        },
        (Fsync::Interval | Fsync::Always, _) => file,
    };
    sync_handle(&file, metrics);
}

/// Syncs a handle given up by its file, counting and reporting a failure.
fn sync_handle(file: &File, metrics: &Metrics) {
    if let Err(error) = file.sync_data() {
        metrics.write_errors.fetch_add(1, Relaxed);
        diag::error(&format!("cannot sync a log file: {error}"));
    }
}

/// Counts a failed write and reports the first of a run of them.
fn note(result: std::io::Result<()>, metrics: &Metrics, failing: &mut bool) {
    if let Err(error) = result {
        metrics.write_errors.fetch_add(1, Relaxed);
        if !*failing {
            diag::error(&format!("write failed, retrying: {error}"));
        }
        *failing = true;
    }
}
