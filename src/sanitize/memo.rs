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

/// Slots in a thread's table, in pairs: far more than the keys a producer
/// uses.
const SLOTS: usize = 512;

/// The longest key remembered, in bytes.
const KEY_BYTES: usize = 32;

#[derive(Clone, Copy)]
struct Slot {
    /// The key as [`words`] gives it.
    key: [u64; KEY_BYTES / 8],
    len: u8,
    verdict: u8,
}

impl Slot {
    const EMPTY: Slot = Slot {
        key: [0; KEY_BYTES / 8],
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

/// The key as little-endian words, zero past its end, with its place in
/// the table; `None` when it is too long to remember. The words are read
/// straight from the key's bytes, not through a padded copy: a copy's
/// narrow stores, read back at once as words, would stall the load.
#[inline(always)]
fn place(key: &str) -> Option<([u64; KEY_BYTES / 8], usize)> {
    let bytes = key.as_bytes();
    if bytes.len() > KEY_BYTES {
        return None;
    }
    let mut words = [0; KEY_BYTES / 8];
    for (word, start) in words.iter_mut().zip((0..bytes.len()).step_by(8)) {
        *word = word_at(&bytes[start..]);
    }
    let mut hash = bytes.len() as u64;
    for word in words {
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    // The top bits are the best mixed; SLOTS is a power of two, and a key
    // may sit in either slot of the pair that starts at an even index.
    let index = (hash >> (64 - SLOTS.trailing_zeros())) as usize & !1;
    Some((words, index))
}

/// The first eight bytes of `bytes` as a little-endian word, zero past its
/// end, read in at most three loads.
#[inline(always)]
fn word_at(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let byte = |i: usize| u64::from(bytes[i]);
    let four = |i: usize| {
        u64::from(u32::from_le_bytes([
            bytes[i],
            bytes[i + 1],
            bytes[i + 2],
            bytes[i + 3],
        ]))
    };
    match n {
        0 => 0,
        // The middle and last bytes may be the first again: or-ed in place.
        1..=3 => byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1)),
        // Two four-byte loads that overlap where n < 8.
        4..=7 => four(0) | four(n - 4) << (8 * (n - 4)),
        _ => u64::from_le_bytes([
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
        ]),
    }
}

/// Whether two keys' words are equal, word by word in registers: the
/// words were just computed, and a vector load of them would wait for the
/// stores.
#[inline(always)]
fn same(a: &[u64; KEY_BYTES / 8], b: &[u64; KEY_BYTES / 8]) -> bool {
    a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// What is known of `key` under `config`: a set of the bits above, empty
/// when nothing is.
pub fn verdict(config: u64, key: &str) -> u8 {
    let Some((words, index)) = place(key) else {
        return 0;
    };
    MEMO.try_with(|memo| {
        let memo = memo.borrow();
        if memo.config != config {
            return 0;
        }
        let holds = |slot: &Slot| usize::from(slot.len) == key.len() && same(&slot.key, &words);
        let pair = &memo.slots[index..index + 2];
        pair.iter()
            .find(|slot| holds(slot))
            .map_or(0, |slot| slot.verdict)
    })
    .unwrap_or(0)
}

/// Adds `bits` to what is known of `key` under `config`.
pub fn remember(config: u64, key: &str, bits: u8) {
    let Some((words, index)) = place(key) else {
        return;
    };
    // A thread's table is gone only while the thread exits: nothing to keep.
    let _ = MEMO.try_with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.config != config {
            memo.slots = [Slot::EMPTY; SLOTS];
            memo.config = config;
        }
        let holds = |slot: &Slot| usize::from(slot.len) == key.len() && same(&slot.key, &words);
        let pair = &mut memo.slots[index..index + 2];
        if let Some(slot) = pair.iter_mut().find(|slot| holds(slot)) {
            slot.verdict |= bits;
            return;
        }
        // The newer key goes first, the older of the two is dropped: two
        // keys that share a pair never take turns evicting each other.
        pair[1] = pair[0];
        // At most KEY_BYTES long, as `place` checked.
        pair[0] = Slot {
            key: words,
            len: key.len() as u8,
            verdict: bits,
        };
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_key_zero_padded() {
        let key = b"0123456789abcdefghijklmnopqrstuv";
        for len in 0..=key.len() {
            let mut padded = [0; KEY_BYTES];
            padded[..len].copy_from_slice(&key[..len]);
            let expected: Vec<u64> = padded
                .chunks_exact(8)
                .map(|w| u64::from_le_bytes(w.try_into().unwrap()))
                .collect();
            let text = std::str::from_utf8(&key[..len]).unwrap();
            let (words, _) = place(text).unwrap();
            assert_eq!(words[..], expected[..], "{len}");
        }
    }

    #[test]
    fn two_keys_of_one_pair_are_both_kept() {
        let config = next_config();
        let index = |key: &str| place(key).map(|(_, index)| index);
        let first = "key0".to_owned();
        let second = (1..)
            .map(|n| format!("key{n}"))
            .find(|key| index(key) == index(&first))
            .unwrap();
        remember(config, &first, CLEAN);
        remember(config, &second, SENSITIVE_KNOWN);
        assert_eq!(verdict(config, &first), CLEAN);
        assert_eq!(verdict(config, &second), SENSITIVE_KNOWN);
    }

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
