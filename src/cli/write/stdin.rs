//! Standard input, admitted on several threads in order.
//!
//! Admission (parse, validate, sanitize), routing and formatting cost far
//! more than cutting lines or writing them, and standard input is one
//! stream, so one thread cuts it into blocks of whole lines and a few
//! admission threads take turns on the blocks, each making the block's
//! batches of lines. Each block carries a sequence number, and a block's
//! batches are queued only once every earlier block's are: the files get
//! the lines in input order. A thread that finishes a block before its turn
//! leaves the batches and takes the next block, so a slow block does not
//! idle the others; a few such blocks at most wait.
//!
//! At a stop, whatever was read is still queued: [`Progress::settle`] closes
//! the gate between reading and handing over, then waits until every block
//! handed over is queued, before the writer's queue is closed.

use std::collections::BTreeMap;
use std::io::Read;
use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use barg::Timestamp;

use super::batch::Batch;
use super::pipeline::{Frame, Lines, Rejected};
use super::{Ingest, diag};

/// Bytes read at a time, and so roughly the size of a block: about a
/// thousand events, so that the hand-overs between the reading, admission
/// and writer threads, each of which may wake a sleeping thread, are few
/// per event.
const READ: usize = 256 * 1024;

/// Blocks that may wait: read and not yet taken by an admission thread,
/// and, apart from those, admitted before their turn.
const WAITING_BLOCKS: usize = 8;

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

/// The order in which admitted blocks are queued: an admission thread that
/// finishes a block out of turn leaves its batches here and takes the next
/// block, instead of waiting for the earlier ones.
#[derive(Default)]
struct Turn {
    order: Mutex<Order>,
    changed: Condvar,
}

#[derive(Default)]
struct Order {
    /// The sequence number of the next block to queue.
    next: u64,
    /// Blocks admitted before their turn, by sequence number.
    done: BTreeMap<u64, Vec<Batch>>,
    /// Whether a thread is queuing: one at a time, so that blocks go in
    /// order, and without the lock held while the queue is full.
    queuing: bool,
}

impl Turn {
    fn lock(&self) -> MutexGuard<'_, Order> {
        self.order.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, order: MutexGuard<'a, Order>) -> MutexGuard<'a, Order> {
        self.changed
            .wait(order)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands over a block's batches; queues them, and every block that was
    /// waiting for them, when no other thread is queuing. Returns once at
    /// most [`WAITING_BLOCKS`] blocks wait for their turn, so that a slow
    /// block holds back a bounded amount.
    fn queue(&self, ingest: &Ingest, sequence: u64, batches: Vec<Batch>) {
        let mut order = self.lock();
        order.done.insert(sequence, batches);
        if !order.queuing {
            order.queuing = true;
            loop {
                let next = order.next;
                let Some(batches) = order.done.remove(&next) else {
                    break;
                };
                drop(order);
                // When the queue is full, this waits for the writer, and the
                // other threads, once enough blocks wait, for this one.
                let _ = ingest.send_blocking(batches);
                order = self.lock();
                order.next += 1;
                self.changed.notify_all();
            }
            order.queuing = false;
        }
        while order.done.len() > WAITING_BLOCKS {
            order = self.wait(order);
        }
    }
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
        let mut order = self.turn.lock();
        while order.next < handed {
            order = self.turn.wait(order);
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
/// in order.
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
        turn.queue(ingest, block.sequence, batches);
    }
}
