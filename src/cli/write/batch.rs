//! Batches: admitted lines routed and formatted, file by file, before they
//! reach the queue.
//!
//! Routing and formatting are pure and cost far more than appending, so the
//! sources' threads do them (for standard input, the admission threads, one
//! per core) and the writer thread only appends bytes and rotates. A batch
//! holds, for every file, its lines one after the other with their line
//! breaks, and where each ends: the writer still applies the rotation rule
//! line by line, but copies and writes whole runs of lines at once.

use std::sync::{Mutex, PoisonError};

use barg::{Event, Format, Formatter, RouteTable};

use super::pipeline::{Accepted, Admitted};

/// Events per batch at most: big enough that the hand-over costs little per
/// event, small enough to keep memory low.
pub const BATCH: usize = 256;

/// Emptied batches kept for reuse, at most.
const SPARE_BATCHES: usize = 16;

/// A buffer that grew past this (a batch of very long lines) is not kept.
const SPARE_BYTES: usize = 1024 * 1024;

/// The lines of one batch for one file.
#[derive(Debug, Default)]
pub struct FileLines {
    /// The lines, each with its line break.
    pub bytes: Vec<u8>,
    /// Where each line ends in `bytes`, just past its line break.
    pub ends: Vec<usize>,
}

impl FileLines {
    /// Ends the line written last with its line break.
    fn end_line(&mut self) {
        self.bytes.push(b'\n');
        self.ends.push(self.bytes.len());
    }
}

/// Lines for the files, in the order their items arrived.
#[derive(Debug)]
pub struct Batch {
    /// One per route of the table, then `rejected.log`.
    pub files: Vec<FileLines>,
    /// Items (events and rejections) it holds.
    pub items: usize,
    /// Of those, admitted events.
    pub accepted: u64,
    /// Of those, events no file takes.
    pub unrouted: u64,
}

impl Batch {
    /// True when it holds as many items as a batch may.
    pub fn is_full(&self) -> bool {
        self.items >= BATCH
    }
}

/// How admitted items become lines: the route table and one formatter per
/// file. Built once, shared by every source and the writer, which hands
/// back the batches it has written: their buffers are used again, so a
/// steady stream allocates nothing for its lines.
#[derive(Debug)]
pub struct Layout {
    table: RouteTable,
    formatters: Vec<Formatter>,
    spare: Mutex<Vec<Batch>>,
}

impl Layout {
    /// The layout of `table`.
    pub fn new(table: RouteTable) -> Layout {
        let formatters = table
            .files
            .iter()
            .map(|f| Formatter::new(f.format))
            .collect();
        Layout {
            table,
            formatters,
            spare: Mutex::new(Vec::new()),
        }
    }

    /// An empty batch for these files and `rejected.log`.
    pub fn batch(&self) -> Batch {
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        spare.unwrap_or_else(|| Batch {
            files: (0..=self.table.files.len())
                .map(|_| FileLines::default())
                .collect(),
            items: 0,
            accepted: 0,
            unrouted: 0,
        })
    }

    /// Takes back a batch that was written (or never filled), for
    /// [`Layout::batch`] to give out again.
    pub fn recycle(&self, mut batch: Batch) {
        for file in &mut batch.files {
            if file.bytes.capacity() > SPARE_BYTES {
                return;
            }
            file.bytes.clear();
            file.ends.clear();
        }
        (batch.items, batch.accepted, batch.unrouted) = (0, 0, 0);
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < SPARE_BATCHES {
            spare.push(batch);
        }
    }

    /// Whether a file that takes `event` writes its `context` and
    /// `extra_data`, which only the JSON format does.
    pub fn writes_data(&self, event: &Event) -> bool {
        event.level >= self.table.level
            && self
                .table
                .files
                .iter()
                .any(|route| route.format == Format::Json && route.takes(event))
    }

    /// Admitted items, routed and formatted, in batches of at most [`BATCH`].
    pub fn batches(&self, items: impl IntoIterator<Item = Admitted>) -> Vec<Batch> {
        let mut batches = Vec::new();
        let mut batch = self.batch();
        for admitted in items {
            self.add(&mut batch, admitted);
            if batch.is_full() {
                batches.push(std::mem::replace(&mut batch, self.batch()));
            }
        }
        if batch.items > 0 {
            batches.push(batch);
        } else {
            // Nothing went into it (a read with no whole line, or a last
            // batch that filled exactly): back to the spares, not dropped.
            self.recycle(batch);
        }
        batches
    }

    /// Routes and formats one admitted item into `batch`: an event into
    /// each file that takes it, a rejection into `rejected.log`.
    pub fn add(&self, batch: &mut Batch, admitted: Admitted) {
        batch.items += 1;
        match admitted {
            Ok(accepted) => {
                batch.accepted += 1;
                if !self.add_event(batch, &accepted) {
                    batch.unrouted += 1;
                }
            }
            Err(rejected) => {
                let file = batch.files.last_mut().expect("a batch has rejected.log");
                rejected.write_line(&mut file.bytes);
                file.end_line();
            }
        }
    }

    /// Adds the event's line to every file that takes it, formatting it once
    /// per format; false when no file does.
    fn add_event(&self, batch: &mut Batch, accepted: &Accepted) -> bool {
        let event = &accepted.event;
        if event.level < self.table.level {
            return false;
        }
        // Per format, the file that holds the line already and where.
        let mut formatted: [Option<(usize, usize)>; 3] = [None; 3];
        let mut routed = false;
        for (index, route) in self.table.files.iter().enumerate() {
            if !route.takes(event) {
                continue;
            }
            routed = true;
            let slot = match route.format {
                Format::Simple => 0,
                Format::Verbose => 1,
                Format::Json => 2,
            };
            match formatted[slot] {
                None => {
                    let file = &mut batch.files[index];
                    let start = file.bytes.len();
                    let formatter = &self.formatters[index];
                    match &accepted.data {
                        Some(data) => formatter.write_with_data(event, data, &mut file.bytes),
                        None => formatter.write(event, &mut file.bytes),
                    }
                    file.end_line();
                    formatted[slot] = Some((index, start));
                }
                Some((first, start)) => {
                    // An earlier file of the same format: copy its line.
                    let (before, after) = batch.files.split_at_mut(index);
                    let line = &before[first].bytes[start..];
                    after[0].bytes.extend_from_slice(line);
                    after[0].ends.push(after[0].bytes.len());
                }
            }
        }
        routed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use barg::{Level, Timestamp};

    fn event(level: &str, logger: &str) -> Admitted {
        let line = format!(r#"{{"level":"{level}","logger":"{logger}","message":"m"}}"#);
        let at = Timestamp::parse("2025-12-26T10:30:45Z").unwrap();
        Ok(Accepted {
            event: Event::from_json(&line, at).unwrap(),
            data: None,
        })
    }

    fn lines(file: &FileLines) -> Vec<&str> {
        let mut start = 0;
        file.ends
            .iter()
            .map(|&end| {
                let line = std::str::from_utf8(&file.bytes[start..end]).unwrap();
                start = end;
                line
            })
            .collect()
    }

    #[test]
    fn events_go_to_every_file_that_takes_them_in_order() {
        let layout = Layout::new(RouteTable::seed(Level::Info));
        let mut batch = layout.batch();
        layout.add(&mut batch, event("ERROR", "security"));
        layout.add(&mut batch, event("INFO", "shop"));
        layout.add(&mut batch, event("DEBUG", "shop"));
        layout.add(&mut batch, event("INFO", "analytics"));
        let names: Vec<_> = layout.table.files.iter().map(|f| f.path.as_str()).collect();
        let found: Vec<(&str, Vec<&str>)> = names
            .iter()
            .zip(&batch.files)
            .map(|(name, file)| (*name, lines(file)))
            .collect();
        let simple_error = "[ERROR] 2025-12-26 10:30:45 security | m\n";
        assert_eq!(
            found,
            [
                (
                    "derakht.log",
                    vec![simple_error, "[INFO] 2025-12-26 10:30:45 shop | m\n"]
                ),
                (
                    "errors.log",
                    vec!["[ERROR] 2025-12-26 10:30:45 security -.-:- | m\n"]
                ),
                ("security.log", vec![simple_error]),
                ("performance.log", vec![]),
                ("audit.log", vec![]),
                (
                    "analytics.log",
                    vec![
                        "{\"timestamp\":\"2025-12-26T10:30:45.000000Z\",\"level\":\"INFO\",\"logger\":\"analytics\",\"message\":\"m\",\"extra_data\":{}}\n"
                    ]
                ),
            ]
        );
        assert_eq!((batch.items, batch.accepted, batch.unrouted), (4, 4, 1));
        assert!(batch.files[6].ends.is_empty());
    }

    #[test]
    fn data_is_written_only_by_a_json_file_that_takes_the_event() {
        let layout = Layout::new(RouteTable::seed(Level::Info));
        let writes = |level, logger| layout.writes_data(&event(level, logger).unwrap().event);
        assert!(writes("INFO", "analytics.stories"));
        assert!(writes("INFO", "audit"));
        assert!(!writes("DEBUG", "audit"), "below the table's level");
        assert!(!writes("ERROR", "shop"), "text files only");
        assert!(!writes("WARNING", "security"));
    }
}
