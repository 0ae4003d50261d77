//! Value scanners: each finds one kind of secret inside a string.
//!
//! No scanner uses a regex engine (the `regex` crate alone would be several
//! times the wasm budget); each is a small loop over bytes, documented by the
//! regex it stands for. Every scanner is linear in its input: it moves
//! forward through the text, and any look-back or look-ahead it does is
//! bounded by a constant or by text it then skips.

pub mod auth;
pub mod aws;
pub mod card;
pub mod email;
pub mod iban;
pub mod jwt;
pub mod param;
pub mod pem;
pub mod url;

use super::Rule;

/// A secret found in a string: its byte range and the rule that found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First byte of the secret.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The rule that found it.
    pub rule: Rule,
    /// For a card, its last four digits (ASCII), for the `last4` display.
    pub last4: Option<[u8; 4]>,
}

impl Span {
    /// A span found by `rule`.
    pub fn new(start: usize, end: usize, rule: Rule) -> Span {
        Span {
            start,
            end,
            rule,
            last4: None,
        }
    }
}

/// The value of the decimal digit at byte `i`, and its length in bytes.
///
/// ASCII digits, and the Arabic-Indic (`٠`..`٩`, U+0660..U+0669) and Persian
/// (`۰`..`۹`, U+06F0..U+06F9) digits that Iranian users type, are all
/// digits: a card number written in Persian is still a card number.
pub fn digit_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    match *bytes.get(i)? {
        b @ b'0'..=b'9' => Some((b - b'0', 1)),
        0xD9 => match *bytes.get(i + 1)? {
            b @ 0xA0..=0xA9 => Some((b - 0xA0, 2)),
            _ => None,
        },
        0xDB => match *bytes.get(i + 1)? {
            b @ 0xB0..=0xB9 => Some((b - 0xB0, 2)),
            _ => None,
        },
        _ => None,
    }
}

/// Where `needle` (a few bytes) first occurs in `text` at or after `from`.
///
/// A plain loop rather than `str::find`: the needles are short constants, so
/// this stays linear, and it spares the wasm build the two-way searcher.
pub fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = text.as_bytes().get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .map(|p| from + p)
}

/// True for the bytes of `[A-Za-z0-9]`.
pub fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Shared test table runner: `check(scanner, text, expected)` asserts the
/// exact redacted substrings a scanner finds.
#[cfg(test)]
pub fn found(find: impl Fn(&str, &mut Vec<Span>), text: &str) -> Vec<String> {
    let mut spans = Vec::new();
    find(text, &mut spans);
    spans
        .iter()
        .map(|s| text[s.start..s.end].to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_in_three_scripts() {
        for (text, value, len) in [("7", 7, 1), ("٧", 7, 2), ("۷", 7, 2), ("۰", 0, 2)] {
            assert_eq!(digit_at(text.as_bytes(), 0), Some((value, len)), "{text}");
        }
        for text in ["a", "", "د", "\u{6fa}", "\u{66a}"] {
            assert_eq!(digit_at(text.as_bytes(), 0), None, "{text}");
        }
    }
}
