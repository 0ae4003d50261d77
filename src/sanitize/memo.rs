//! What the sanitizer decided about keys, remembered per thread.
//!
//! Events repeat their keys: the same few dozen names come back in event
//! after event. Matching a key against the sensitive-key table, and
//! scanning it by value, costs several times more than finding it again in
//! a small table, so on native builds each thread remembers the verdicts
//! for the keys it saw last.
//!
//! The memo is a cache and never changes an outcome: a verdict is stored
//! only as the full check gave it, under the exact key and the compiled
//! configuration that checked it (a configuration has its own number, and
//! a thread that moves to another one starts over). It is bounded: a fixed
//! table where a newer key takes the slot of an older one, and a key longer
//! than a slot holds is checked every time.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// The key matches the sensitive-key table and is not allowed.
pub const SENSITIVE: u8 = 1;
/// Whether the key is sensitive is known: [`SENSITIVE`] is its answer.
pub const SENSITIVE_KNOWN: u8 = 2;
/// The key was scanned by value and holds no secret.
pub const CLEAN: u8 = 4;

/// Slots in a thread's table: far more than the keys a producer uses.
const SLOTS: usize = 512;

/// The longest key remembered, in bytes.
const KEY_BYTES: usize = 32;

#[derive(Clone, Copy)]
struct Slot {
    /// The key, padded with zeros.
    key: [u8; KEY_BYTES],
    len: u8,
    verdict: u8,
}

impl Slot {
    const EMPTY: Slot = Slot {
        key: [0; KEY_BYTES],
        len: 0,
        verdict: 0,
    };
}

struct Memo {
    /// The configuration whose verdicts the slots hold.
    config: u64,
    slots: [Slot; SLOTS],
}

thread_local! {
    static MEMO: RefCell<Memo> = const {
        RefCell::new(Memo {
            config: 0,
            slots: [Slot::EMPTY; SLOTS],
        })
    };
}

/// A number for a newly compiled configuration, never 0 (which no
/// thread's table is for at first).
pub fn next_config() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The key padded to a slot's width, with its place in the table; `None`
/// when it is too long to remember.
fn place(key: &str) -> Option<([u8; KEY_BYTES], usize)> {
    let bytes = key.as_bytes();
    if bytes.len() > KEY_BYTES {
        return None;
    }
    let mut padded = [0; KEY_BYTES];
    padded[..bytes.len()].copy_from_slice(bytes);
    let mut hash = bytes.len() as u64;
    for word in padded.chunks_exact(8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        hash =
            (hash.rotate_left(5) ^ u64::from_le_bytes(eight)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    // The top bits are the best mixed; SLOTS is a power of two.
    let index = (hash >> (64 - SLOTS.trailing_zeros())) as usize;
    Some((padded, index))
}

/// What is known of `key` under `config`: a set of the bits above, empty
/// when nothing is.
pub fn verdict(config: u64, key: &str) -> u8 {
    let Some((padded, index)) = place(key) else {
        return 0;
    };
    MEMO.try_with(|memo| {
        let memo = memo.borrow();
        let slot = &memo.slots[index];
        if memo.config == config && usize::from(slot.len) == key.len() && slot.key == padded {
            slot.verdict
        } else {
            0
        }
    })
    .unwrap_or(0)
}

/// Adds `bits` to what is known of `key` under `config`.
pub fn remember(config: u64, key: &str, bits: u8) {
    let Some((padded, index)) = place(key) else {
        return;
    };
    // A thread's table is gone only while the thread exits: nothing to keep.
    let _ = MEMO.try_with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.config != config {
            memo.slots = [Slot::EMPTY; SLOTS];
            memo.config = config;
        }
        let slot = &mut memo.slots[index];
        if usize::from(slot.len) == key.len() && slot.key == padded {
            slot.verdict |= bits;
        } else {
            // At most KEY_BYTES long, as `place` checked.
            *slot = Slot {
                key: padded,
                len: key.len() as u8,
                verdict: bits,
            };
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_are_kept_per_key_and_configuration() {
        let (one, two) = (next_config(), next_config());
        assert_eq!(verdict(one, "user_agent"), 0);
        remember(one, "user_agent", SENSITIVE_KNOWN);
        remember(one, "user_agent", CLEAN);
        assert_eq!(verdict(one, "user_agent"), SENSITIVE_KNOWN | CLEAN);
        // Another key, a prefix, or another configuration knows nothing.
        assert_eq!(verdict(one, "user_agen"), 0);
        assert_eq!(verdict(one, "user_agent\0"), 0);
        assert_eq!(verdict(two, "user_agent"), 0);
        remember(two, "password", SENSITIVE_KNOWN | SENSITIVE);
        assert_eq!(verdict(two, "password"), SENSITIVE_KNOWN | SENSITIVE);
        assert_eq!(verdict(one, "user_agent"), 0);
        // A key too long for a slot is never remembered.
        let long = "k".repeat(KEY_BYTES + 1);
        remember(two, &long, CLEAN);
        assert_eq!(verdict(two, &long), 0);
    }
}
