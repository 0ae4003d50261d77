//! Value scanners: each finds one kind of secret inside a string.
//!
//! No scanner uses a regex engine (the `regex` crate alone would be several
//! times the wasm budget); each is a small loop over bytes, documented by the
//! regex it stands for. Every scanner is linear in its input: it moves
//! forward through the text, and any look-back or look-ahead it does is
//! bounded by a constant or by text it then skips.
//!
//! Each scanner is a state (where it may look next) and an `at` method that
//! looks at one byte. A scanner's `find` calls `at` on every byte
//! ([`every_byte`]), the plain reference. The sanitizer instead reads a text once (`find_all`)
//! and calls each scanner only at the bytes that can start what it looks
//! for ([`TRIGGERS`]: digits, `J`, `b`/`t` at a word start, `=`, `:`, `%`,
//! `\`, `-`, `A`, `@`, `_`), which most bytes of most texts are not. At any other byte
//! `at` does nothing, so both find the same spans in the same order; a
//! property test holds them equal on generated texts dense with secrets,
//! their parts and their look-alikes.

pub mod auth;
pub mod aws;
pub mod card;
pub mod email;
pub mod iban;
pub mod jwt;
pub mod param;
pub mod pem;
pub mod token;
pub mod url;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod one_pass;

use super::Rule;
use super::config::Rules;

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

/// What a byte can start, as one bit per group of scanners.
const DIGIT: u8 = 1;
/// `J`, the last letter of the `eyJ` every JWT holds.
const J: u8 = 2;
/// `b`, `B`, `t` or `T`: the first letter of `Bearer`, `Basic`, `Token`.
const SCHEME: u8 = 4;
/// `=` or `:`: parameters, and the `:` of `://`; `%` and `\`, which
/// start an `=` written out (`%3D`, `\u003d`).
const SEPARATOR: u8 = 8;
/// `-`, the first byte of `-----BEGIN `, and in the prefixes of some
/// service tokens (`xoxb-`, `sk-`).
const DASH: u8 = 16;
/// `A`, the first letter of every AWS access key id and of Google's API
/// keys.
const A: u8 = 32;
/// `@`, in every email address.
const AT: u8 = 64;
/// `_`, in the prefixes of most service tokens (`ghp_`, `sk_live_`).
const UNDERSCORE: u8 = 128;

/// Characters written out as escapes, `h` standing for a hex digit: a
/// percent-escape, one encoded twice (`%253D`, listed first so that it is
/// read whole), and backslash escapes (`\n`, JSON's `\u003d`, JavaScript's
/// `\x3d`). A secret may follow one with no space between.
pub(super) const ESCAPES: [&[u8]; 7] = [
    b"%25hh", b"%hh", b"\\uhhhh", b"\\xhh", b"\\n", b"\\r", b"\\t",
];

/// The most letters and digits an escape of [`ESCAPES`] has after its `%`
/// or `\` (`u003d`).
pub(super) const MAX_ESCAPE: usize = {
    let (mut most, mut i) = (0, 0);
    while i < ESCAPES.len() {
        if ESCAPES[i].len() - 1 > most {
            most = ESCAPES[i].len() - 1;
        }
        i += 1;
    }
    most
};

/// Where the text after an escape starts, when `bytes[start..end]` begins
/// with the letters and digits of one whose `%` or `\` is right before
/// `start` (`%3Ftoken`, `\ntoken`: `token`) and something is left.
pub(super) fn after_escape(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let lead = bytes[start.checked_sub(1)?];
    let escape = ESCAPES
        .iter()
        .find(|e| e[0] == lead && starts_with_pattern(&bytes[start..end], &e[1..]))?;
    let after = start + escape.len() - 1;
    (after < end).then_some(after)
}

/// Whether `bytes` starts with `pattern`, where `h` stands for a hex digit
/// and letters match in either case.
pub(super) fn starts_with_pattern(bytes: &[u8], pattern: &[u8]) -> bool {
    bytes.len() >= pattern.len()
        && bytes.iter().zip(pattern).all(|(&b, &p)| {
            if p == b'h' {
                b.is_ascii_hexdigit()
            } else {
                b.eq_ignore_ascii_case(&p)
            }
        })
}

/// The bytes each scanner must look at, one bit per group: ASCII digits and
/// the lead bytes 0xD9 and 0xDB of the Arabic-Indic and Persian digits for
/// cards and IBANs, and one to three bytes for each other scanner.
pub const TRIGGERS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = b'0';
    while b <= b'9' {
        table[b as usize] = DIGIT;
        b += 1;
    }
    table[0xD9] = DIGIT;
    table[0xDB] = DIGIT;
    table[b'J' as usize] = J;
    table[b'b' as usize] = SCHEME;
    table[b'B' as usize] = SCHEME;
    table[b't' as usize] = SCHEME;
    table[b'T' as usize] = SCHEME;
    table[b'=' as usize] = SEPARATOR;
    table[b':' as usize] = SEPARATOR;
    table[b'%' as usize] = SEPARATOR;
    table[b'\\' as usize] = SEPARATOR;
    table[b'-' as usize] = DASH;
    table[b'A' as usize] = A;
    table[b'@' as usize] = AT;
    table[b'_' as usize] = UNDERSCORE;
    table
};

/// The scanners that are on, and the bytes they are triggered by.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scanners {
    enabled: Rules,
    /// The classes of [`TRIGGERS`] some enabled scanner wants.
    mask: u8,
}

impl Scanners {
    /// The scanners of the `enabled` rules.
    pub fn new(enabled: Rules) -> Scanners {
        let mut mask = 0;
        for (rule, class) in [
            (Rule::CardNumber, DIGIT),
            (Rule::Iban, DIGIT),
            (Rule::Jwt, J),
            (Rule::AuthCredentials, SCHEME),
            (Rule::UrlPassword, SEPARATOR),
            (Rule::SecretParameter, SEPARATOR),
            (Rule::PrivateKey, DASH),
            (Rule::AwsAccessKeyId, A),
            (Rule::ServiceToken, UNDERSCORE | DASH | A),
            (Rule::Email, AT),
        ] {
            if enabled.contains(rule) {
                mask |= class;
            }
        }
        Scanners { enabled, mask }
    }
}

/// Runs the enabled scanners over `text` in one pass, adding what they find
/// to `out`, grouped by rule in the order of [`Rule`] and, within a rule,
/// in the order found: what the scanners' `find` would add one after the
/// other. `cards` lends its buffers from one text to the next.
pub(crate) fn find_all(
    text: &str,
    scanners: Scanners,
    is_sensitive: &dyn Fn(&str) -> bool,
    cards: &mut card::Cards,
    out: &mut Vec<Span>,
) {
    let Scanners { enabled, mask } = scanners;
    let on = |rule| enabled.contains(rule);
    // Digits start cards and IBANs, `:` URL passwords and parameters.
    let (card_on, iban_on) = (on(Rule::CardNumber), on(Rule::Iban));
    let (url_on, param_on) = (on(Rule::UrlPassword), on(Rule::SecretParameter));
    // `-` and `A` start other secrets too.
    let (pem_on, aws_on) = (on(Rule::PrivateKey), on(Rule::AwsAccessKeyId));
    let tokens_on = on(Rule::ServiceToken);
    let found = out.len();
    cards.restart();
    let mut ibans = iban::Ibans::default();
    let mut jwts = jwt::Jwts::default();
    let mut credentials = auth::Credentials::default();
    let mut url_passwords = url::UrlPasswords::default();
    let mut params = param::Params::default();
    let mut private_keys = pem::PrivateKeys::default();
    let mut aws_key_ids = aws::AwsKeyIds::default();
    let mut emails = email::Emails::default();
    let mut tokens = token::ServiceTokens::default();
    let bytes = text.as_bytes();
    let class = |b: u8| TRIGGERS[usize::from(b)] & mask;
    let mut i = 0;
    // The tight loop finds the next byte some scanner wants; most bytes are
    // not one.
    while let Some(skip) = bytes[i..].iter().position(|&b| class(b) != 0) {
        i += skip;
        let trigger = class(bytes[i]);
        if trigger == DIGIT {
            if card_on {
                cards.at(bytes, i, out);
            }
            if iban_on {
                ibans.at(bytes, i, out);
            }
            // An ASCII digit right after a digit starts nothing: the run
            // read at the first digit holds it, and no IBAN starts two
            // digits before it.
            while bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        } else if trigger == SCHEME {
            // A scheme starts a word.
            if i == 0 || !is_alnum(bytes[i - 1]) {
                credentials.at(bytes, i, out);
            }
        } else if trigger == SEPARATOR {
            if url_on {
                url_passwords.at(bytes, i, out);
            }
            if param_on {
                params.at(text, i, is_sensitive, out);
            }
        } else if trigger == DASH {
            if pem_on {
                private_keys.at(text, i, out);
            }
        } else if trigger == J {
            jwts.at(bytes, i, out);
        } else if trigger == A {
            if aws_on {
                aws_key_ids.at(bytes, i, out);
            }
        } else if trigger == AT {
            emails.at(text, i, out);
        }
        // `-`, `A` and `_` are in service tokens' prefixes too.
        if tokens_on && trigger & (DASH | A | UNDERSCORE) != 0 {
            tokens.at(bytes, i, out);
        }
        i += 1;
    }
    // The scanners found their spans interleaved; grouped by rule, in rule
    // order, they are in the order the scanners run one after the other
    // would give. Eleven filters are linear, and far smaller in the wasm
    // build than a stable sort.
    if out.len() - found > 1 {
        let mixed = out.split_off(found);
        for rule in Rule::CONFIGURABLE {
            out.extend(mixed.iter().filter(|span| span.rule == rule));
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

/// A scanner's plain reference: a fresh scanner's `at` on every byte of
/// `text`, given to `at` as `view` (the text's bytes, or the text itself).
#[inline]
pub fn every_byte<S: Default, T: Copy>(
    text: &str,
    view: T,
    out: &mut Vec<Span>,
    at: impl Fn(&mut S, T, usize, &mut Vec<Span>),
) {
    let mut scanner = S::default();
    for i in 0..text.len() {
        at(&mut scanner, view, i, out);
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

/// True for the bytes of `[A-Za-z0-9]`: one load, where the scanners and
/// key matching ask it of nearly every byte.
pub fn is_alnum(b: u8) -> bool {
    ALNUM[usize::from(b)]
}

const ALNUM: [bool; 256] = {
    let mut alnum = [false; 256];
    let mut b = 0;
    while b < 256 {
        alnum[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    alnum
};

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
