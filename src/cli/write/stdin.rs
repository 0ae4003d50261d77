//! Standard input, admitted on several threads in order.
//!
//! Admission (parse, validate, sanitize), routing and formatting cost far
//! more than cutting lines or writing them, and standard input is one
//! stream, so one thread cuts it into blocks of whole lines and a few
//! admission threads take turns on the blocks, each making the block's
//! batches of lines. Each block carries a sequence number, and a block's
//! batches are queued only once every earlier block's are: the files get
//! the lines in input order.
//!
//! At a stop, whatever was read is still queued: [`Progress::settle`] closes
//! the gate between reading and handing over, then waits until every block
//! handed over is queued, before the writer's queue is closed.

use std::io::Read;
use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use barg::Timestamp;

use super::pipeline::{Frame, Lines, Rejected};
use super::{Ingest, diag};

/// Bytes read at a time, and so roughly the size of a block: about a
/// thousand events, so that the hand-overs between the reading, admission
/// and writer threads, each of which may wake a sleeping thread, are few
/// per event.
const READ: usize = 256 * 1024;

/// Blocks waiting for an admission thread.
const WAITING_BLOCKS: usize = 4;

/// Whole lines read together. Lines inside one read stay where they were
/// read, in the buffer the block carries; only a line cut by the end of a
/// read is copied.
struct Block {
    sequence: u64,
    received: Timestamp,
    /// The buffer read into.
    read: Vec<u8>,
    /// Lines that began in an earlier read, whole.
    joined: Vec<u8>,
    pieces: Vec<Piece>,
}

enum Piece {
    /// A line, as a range of the block's `read`.
    Line(Range<usize>),
    /// A line begun in an earlier read, as a range of the block's `joined`.
    Joined(Range<usize>),
    /// A line over the limit, rejected while it was skipped.
    TooLong(Box<Rejected>),
}

/// Read buffers that the admission threads hand back for the next reads.
#[derive(Default)]
struct Buffers(Mutex<Vec<Vec<u8>>>);

impl Buffers {
    fn take(&self) -> Vec<u8> {
        let spare = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        spare.unwrap_or_else(|| vec![0; READ])
    }

    fn give_back(&self, buffer: Vec<u8>) {
        let mut spare = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if buffer.len() == READ && spare.len() < WAITING_BLOCKS + 4 {
            spare.push(buffer);
        }
    }
}

/// Whose turn it is to queue: the sequence number of the next block.
#[derive(Default)]
struct Turn {
    next: Mutex<u64>,
    changed: Condvar,
}

/// How far standard input has got: blocks handed over, blocks queued.
#[derive(Default)]
pub struct Progress {
    /// Blocks handed to the admission threads; held from the check of the
    /// stop flag to the hand-over, so a stop cannot fall in between.
    handed: Mutex<u64>,
    turn: Turn,
}

impl Progress {
    /// Sets `stopping`, then waits until every block read before is queued.
    pub fn settle(&self, stopping: &std::sync::atomic::AtomicBool) {
        let handed = {
            let handed = self.handed.lock().unwrap_or_else(PoisonError::into_inner);
            stopping.store(true, Relaxed);
            *handed
        };
        let mut next = self
            .turn
            .next
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while *next < handed {
            next = self
                .turn
                .changed
                .wait(next)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Reads standard input to its end, admitting every line; returns when all
/// of it is queued (or a stop is asked for).
pub fn read(ingest: &Arc<Ingest>, progress: &Arc<Progress>) {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let (blocks, waiting) = sync_channel::<Block>(WAITING_BLOCKS);
    let waiting = Arc::new(Mutex::new(waiting));
    let buffers = Arc::new(Buffers::default());
    let mut admitters = Vec::new();
    for i in 0..threads {
        let (ingest, waiting, progress) = (ingest.clone(), waiting.clone(), progress.clone());
        let buffers = buffers.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("barg-admit-{i}"))
            .spawn(move || admit_blocks(&ingest, &waiting, &progress.turn, &buffers));
        match spawned {
            Ok(handle) => admitters.push(handle),
            Err(error) => diag::error(&format!("cannot start an admission thread: {error}")),
        }
    }
    if admitters.is_empty() {
        return;
    }
    cut_blocks(ingest, progress, &buffers, |block| {
        blocks.send(block).is_ok()
    });
    drop(blocks);
    for admitter in admitters {
        let _ = admitter.join();
    }
}

/// Reads standard input and hands over blocks of whole lines until its end,
/// a stop, or `hand` refusing.
fn cut_blocks(
    ingest: &Ingest,
    progress: &Progress,
    buffers: &Buffers,
    mut hand: impl FnMut(Block) -> bool,
) {
    let mut lines = Lines::new(ingest.admission.max_line_bytes);
    let mut buffer = buffers.take();
    let mut stdin = std::io::stdin().lock();
    let mut sequence = 0;
    loop {
        let read = match stdin.read(&mut buffer) {
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                diag::error(&format!("reading standard input: {error}"));
                0
            }
        };
        let mut handed = progress
            .handed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if ingest.stopping.load(Relaxed) {
            return;
        }
        let received = Timestamp::now();
        let (mut joined, mut pieces) = (Vec::new(), Vec::new());
        let chunk = &buffer[..read];
        let within = chunk.as_ptr_range();
        let mut take = |frame: Frame<'_>| match frame {
            // A line inside this read is a slice of it: kept as its place.
            Frame::Line(line) if within.contains(&line.as_ptr()) => {
                let start = line.as_ptr() as usize - within.start as usize;
                pieces.push(Piece::Line(start..start + line.len()));
            }
            Frame::Line(line) => {
                let start = joined.len();
                joined.extend_from_slice(line);
                pieces.push(Piece::Joined(start..joined.len()));
            }
            Frame::TooLong { prefix, len } => {
                let rejected = ingest.admission.too_long(prefix, len, received, "stdin");
                pieces.push(Piece::TooLong(Box::new(rejected)));
            }
        };
        let end = read == 0;
        if end {
            lines.finish(&mut take);
        } else {
            lines.push(chunk, &mut take);
        }
        if !pieces.is_empty() {
            let block = Block {
                sequence,
                received,
                read: std::mem::replace(&mut buffer, buffers.take()),
                joined,
                pieces,
            };
            if !hand(block) {
                return;
            }
            sequence += 1;
            *handed = sequence;
        }
        drop(handed);
        if end {
            return;
        }
    }
}

/// One admission thread: takes blocks, admits their lines, and queues them
/// in its turn.
fn admit_blocks(ingest: &Ingest, waiting: &Mutex<Receiver<Block>>, turn: &Turn, buffers: &Buffers) {
    loop {
        let block = {
            let waiting = waiting.lock().unwrap_or_else(PoisonError::into_inner);
            match waiting.recv() {
                Ok(block) => block,
                Err(_) => return,
            }
        };
        // Admitted, routed and formatted here, so that the writer only
        // appends; each event is dropped on the thread that made it.
        let line = |bytes: &[u8]| ingest.admit(Frame::Line(bytes), block.received, "stdin");
        let admitted = block.pieces.into_iter().map(|piece| match piece {
            Piece::Line(range) => line(&block.read[range]),
            Piece::Joined(range) => line(&block.joined[range]),
            Piece::TooLong(rejected) => Err(*rejected),
        });
        let batches = ingest.layout.batches(admitted);
        buffers.give_back(block.read);
        let mut next = turn.next.lock().unwrap_or_else(PoisonError::into_inner);
        while *next != block.sequence {
            next = turn
                .changed
                .wait(next)
                .unwrap_or_else(PoisonError::into_inner);
        }
        // Queued while holding the turn: the next block waits for this one,
        // and when the queue is full, both wait for the writer.
        let _ = ingest.send_blocking(batches);
        *next += 1;
        turn.changed.notify_all();
    }
}
