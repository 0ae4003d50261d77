//! Secret parameters in text: query strings, form bodies, headers and JSON
//! written into a string.
//!
//! ```text
//! ([\w.\[\]-]{1,64})\\?["']?\s*[=:]\s*(?:\\?"([^"]*)"|'([^']*)'|([^\s&;,"'<>(){}\[\]]+))
//! ```
//! The name is matched like a key ([`crate::sanitize::keys`]), so
//! `?token=…`, `&password=…`, `api_key=…`, `"apiKey": "…"`,
//! `Authorization: …` and `user[password]=…` are all found, and the value
//! up to its closing quote or the next delimiter is redacted. An unquoted
//! value that is an authorization scheme (`Authorization: Bearer abc`) takes
//! the credential after it along. After a `:`, a capitalized word followed
//! by more words is a sentence, not a value (`password: This password is too
//! common.`, Django's validation messages). Beyond the regex: a name of two
//! words whose last alone is not sensitive (`API key: …`); a value that is a
//! list or an object, taken whole to its closing bracket (Python's and
//! JSON's: `{'password': ['hunter2']}`); Python's prefixed strings
//! (`b'…'`); a query parameter ends at `#`; and a URL's `user:password@`
//! is left to the URL scanner. An `=` may be written out, as a URL nested
//! in another's query has it (`next=%2Fcb%3Ftoken%3D…`, `%253D` when
//! encoded twice) and as JSON or JavaScript may (`\u003d`, `\x3d`), with
//! no space on either side (`%3d` between spaces is a printf width); the
//! value then ends at an `&` or `#` encoded as the `=` is too. A name may
//! follow an escape (`%3Ftoken`, `%26password`, `\npassword`): it is
//! sensitive when it is with the escape's letters or without them
//! (`C:\new\token=…` is `token`). Looking back for a name is bounded by 64
//! bytes, a value's scan stops where the value ends, scanning goes on after
//! each value, and lists and objects are read for at most twice the text's
//! length in all, so the work is linear.

use super::{Span, after_escape, starts_with_pattern};
use crate::sanitize::Rule;

/// Longer names are not looked for.
const MAX_NAME: usize = 64;
/// Spaces allowed around the `=` or `:`.
const MAX_SPACES: usize = 4;
/// An `=` written out, and what ends a value after it besides what ends any
/// value: percent-encoded, an `&` or `#` encoded once; encoded twice, one
/// encoded once or twice; JSON's and JavaScript's escapes, nothing more (a
/// `\\` ends any value).
const EQUALS: [(&[u8], &[&[u8]]); 4] = [
    (b"%3d", &[b"%26", b"%23"]),
    (b"%253d", &[b"%26", b"%23", b"%2526", b"%2523"]),
    (b"\\u003d", &[]),
    (b"\\x3d", &[]),
];

/// Where a value ends besides at [`ends_value`]: at `#` in a query string,
/// and at the encoded `&` and `#` that an `=` written out calls for.
#[derive(Clone, Copy)]
struct Stops {
    fragment: bool,
    encoded: &'static [&'static [u8]],
}

impl Stops {
    fn at(self, bytes: &[u8], i: usize) -> bool {
        ends_value(bytes[i])
            || (self.fragment && bytes[i] == b'#')
            || (bytes[i] == b'%' && self.encoded.iter().any(|e| bytes[i..].starts_with(e)))
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']')
}

fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'&' | b';'
                | b','
                | b'"'
                | b'\''
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'{'
                | b'}'
                | b'['
                | b']'
                | b'\\'
        )
}

/// Finds the values of sensitive parameters in `text`, looking at every
/// byte and deciding which names are sensitive with `is_sensitive`.
pub fn find(text: &str, is_sensitive: &dyn Fn(&str) -> bool, out: &mut Vec<Span>) {
    let mut params = Params::default();
    for i in 0..text.len() {
        params.at(text, i, is_sensitive, out);
    }
}

/// The parameter scanner along one text: where the last value found ends,
/// and how many bytes the lists and objects read so far have taken.
#[derive(Default)]
pub struct Params {
    next: usize,
    bracketed: usize,
}

impl Params {
    /// Looks at byte `i`, which matters only when it is `=` or `:`, or the
    /// `%` or `\` of an `=` written out.
    #[inline]
    pub fn at(
        &mut self,
        text: &str,
        sep: usize,
        is_sensitive: &dyn Fn(&str) -> bool,
        out: &mut Vec<Span>,
    ) {
        let bytes = text.as_bytes();
        if sep < self.next {
            return;
        }
        match bytes[sep] {
            b'=' | b':' => self.parameter(text, sep, None, is_sensitive, out),
            b'%' | b'\\' => {
                let rest = &bytes[sep..];
                if let Some(equals) = EQUALS.iter().find(|(e, _)| starts_with_pattern(rest, e)) {
                    self.parameter(text, sep, Some(*equals), is_sensitive, out);
                }
            }
            _ => {}
        }
    }

    /// Reads the parameter around the separator at `sep`: an `=` or `:`,
    /// or an `=` written out and what ends a value after it.
    fn parameter(
        &mut self,
        text: &str,
        sep: usize,
        written_out: Option<(&[u8], &'static [&'static [u8]])>,
        is_sensitive: &dyn Fn(&str) -> bool,
        out: &mut Vec<Span>,
    ) {
        let bytes = text.as_bytes();
        let spaces = if written_out.is_some() { 0 } else { MAX_SPACES };
        let Some(name) = name_before(bytes, sep, spaces) else {
            return;
        };
        // `user:password@host` is a URL's, whose password alone the URL
        // scanner takes.
        if bytes[sep] == b':' && bytes[..name.0].ends_with(b"://") {
            return;
        }
        // A name of two words (`API key: …`, `Session ID: …`) when its last
        // word alone is not sensitive; a name after an escape, without it.
        let sensitive = is_sensitive(&text[name.0..name.1])
            || word_before(bytes, name.0, name.1)
                .is_some_and(|start| is_sensitive(&text[start..name.1]))
            || after_escape(bytes, name.0, name.1)
                .is_some_and(|start| is_sensitive(&text[start..name.1]));
        if !sensitive {
            return;
        }
        // In a query string, `#` starts the fragment; so it does after a
        // percent-encoded `=`, which is in a URL's query.
        let after_query = name.0 > 0 && matches!(bytes[name.0 - 1], b'?' | b'&');
        let stops = Stops {
            fragment: match written_out {
                Some((_, ends)) => after_query || !ends.is_empty(),
                None => after_query && bytes[sep] == b'=',
            },
            encoded: written_out.map_or(&[], |(_, ends)| ends),
        };
        let from = sep + written_out.map_or(1, |(equals, _)| equals.len());
        // A list or an object may be read to the end of the text and then
        // found to be none (an unclosed `[`): past twice the text's length
        // in all, they are not read, so that the work stays linear.
        let lists = self.bracketed <= 2 * bytes.len() + 4096;
        if let Some((start, end)) = value_after(
            bytes,
            from,
            spaces,
            stops,
            lists.then_some(&mut self.bracketed),
        ) {
            if bytes[sep] == b':' && starts_a_sentence(bytes, start, end) {
                return;
            }
            out.push(Span::new(start, end, Rule::SecretParameter));
            self.next = end;
        }
    }
}

/// The name before the separator at `sep`: past at most `max_spaces`
/// spaces and a closing quote (`\"` too, for JSON inside a JSON string), at
/// most 64 name bytes.
fn name_before(bytes: &[u8], sep: usize, max_spaces: usize) -> Option<(usize, usize)> {
    let mut end = sep;
    let mut spaces = 0;
    while end > 0 && bytes[end - 1] == b' ' && spaces < max_spaces {
        end -= 1;
        spaces += 1;
    }
    if end > 0 && matches!(bytes[end - 1], b'"' | b'\'') {
        end -= 1;
        if end > 0 && bytes[end - 1] == b'\\' {
            end -= 1;
        }
    }
    let mut start = end;
    while start > 0 && end - start < MAX_NAME && is_name_byte(bytes[start - 1]) {
        start -= 1;
    }
    (start < end).then_some((start, end))
}

/// The start of the word before the name at `start..end`, when one space
/// separates them and the two fit in [`MAX_NAME`] bytes.
fn word_before(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let last = start.checked_sub(1)?;
    if bytes[last] != b' ' {
        return None;
    }
    let mut word = last;
    while word > 0 && end - word < MAX_NAME && is_name_byte(bytes[word - 1]) {
        word -= 1;
    }
    (word < last).then_some(word)
}

/// The value after a separator ending at `from`, past at most `max_spaces`
/// spaces. An unquoted one ends where `stops` says. A list or an object is
/// read only when `bracketed`, the count of bytes they took, is given, and
/// adds to it.
fn value_after(
    bytes: &[u8],
    from: usize,
    max_spaces: usize,
    stops: Stops,
    bracketed: Option<&mut usize>,
) -> Option<(usize, usize)> {
    let mut i = from;
    let mut spaces = 0;
    while i < bytes.len() && bytes[i] == b' ' && spaces < max_spaces {
        i += 1;
        spaces += 1;
    }
    // A list or an object (`{'password': ['hunter2']}`, a Django
    // `QueryDict`): the whole of it, to its closing bracket. One without a
    // quote or a comma is a word in brackets, such as the replacement
    // (`[REDACTED]`), and no value.
    if let (Some(b'[' | b'{'), Some(bracketed)) = (bytes.get(i), bracketed) {
        let end = bracketed_end(bytes, i);
        *bracketed += end - i;
        let items = bytes[i..end]
            .iter()
            .any(|b| matches!(b, b'"' | b'\'' | b','));
        return items.then_some((i, end));
    }
    // Python's prefixed strings: `b'…'`, `u'…'`, `rb'…'`.
    let prefix = bytes[i..]
        .iter()
        .take(3)
        .position(|&b| matches!(b, b'"' | b'\''))
        .filter(|&n| n > 0 && bytes[i..i + n].iter().all(|b| b"bBrRuUfF".contains(b)));
    i += prefix.unwrap_or(0);
    // A quoted value: "…", '…', or \"…\" in JSON written into a string.
    let escaped = bytes.get(i) == Some(&b'\\') && bytes.get(i + 1) == Some(&b'"');
    let quote = if escaped {
        Some(b'"')
    } else {
        bytes.get(i).copied()
    };
    if let Some(q @ (b'"' | b'\'')) = quote {
        let start = i + if escaped { 2 } else { 1 };
        let mut j = start;
        while j < bytes.len() {
            if bytes[j] == b'\\' && !escaped {
                j += 2;
                continue;
            }
            if bytes[j] == q && (!escaped || bytes[j - 1] == b'\\') {
                break;
            }
            j += 1;
        }
        let mut end = j.min(bytes.len());
        if escaped && end > start && bytes[end - 1] == b'\\' {
            end -= 1;
        }
        return (end > start).then_some((start, end));
    }
    let start = i;
    let mut end = unquoted_end(bytes, start, stops);
    if is_scheme(&bytes[start..end]) {
        let mut j = end;
        while j < bytes.len() && bytes[j] == b' ' && j - end < MAX_SPACES {
            j += 1;
        }
        if j > end && j < bytes.len() && !stops.at(bytes, j) {
            end = unquoted_end(bytes, j, stops);
        }
    }
    (end > start).then_some((start, end))
}

/// `password: This password is too common.` is a message about a field, not
/// a field's value: after a `:`, a capitalized word of letters followed by a
/// space starts a sentence. Anything with a digit, a symbol or another
/// capital is still a value, as is a word that ends the text.
fn starts_a_sentence(bytes: &[u8], start: usize, end: usize) -> bool {
    let word = &bytes[start..end];
    word.len() >= 2
        && word[0].is_ascii_uppercase()
        && word[1..].iter().all(u8::is_ascii_lowercase)
        && bytes.get(end) == Some(&b' ')
}

/// Where the list or object opened at `open` ends: after the bracket that
/// closes it, brackets in its quoted strings not counted (strings quoted
/// `\"…\"` too, in JSON written into a string); the end of the text when
/// nothing closes it.
fn bracketed_end(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    // The open string's quote, and whether it was opened as `\"`.
    let mut quote = None;
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some((q, true)) if b == q && bytes[i - 1] == b'\\' => quote = None,
            Some((_, true)) => {}
            Some(_) if b == b'\\' => i += 1,
            Some((q, false)) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some((b, bytes[i - 1] == b'\\')),
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    bytes.len()
}

fn unquoted_end(bytes: &[u8], start: usize, stops: Stops) -> usize {
    let mut end = start;
    while end < bytes.len() && !stops.at(bytes, end) {
        end += 1;
    }
    end
}

fn is_scheme(word: &[u8]) -> bool {
    [&b"bearer"[..], b"basic", b"token", b"digest"]
        .iter()
        .any(|s| word.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::keys::{BUILTIN_KEYS, KeySet};
    use crate::sanitize::scan::Span;

    fn check(text: &str) -> Vec<String> {
        let set = KeySet::new(
            BUILTIN_KEYS
                .iter()
                .flat_map(|row| row.entries.iter().map(|e| (*e).to_owned())),
        );
        let is_sensitive = |key: &str| set.matches(key);
        let mut spans: Vec<Span> = Vec::new();
        find(text, &is_sensitive, &mut spans);
        spans
            .iter()
            .map(|s| text[s.start..s.end].to_owned())
            .collect()
    }

    #[test]
    fn secret_parameters_are_found() {
        let cases: &[(&str, &[&str])] = &[
            ("/cb?token=abc123&state=ok", &["abc123"]),
            ("/login?user=bob&password=hunter2", &["hunter2"]),
            (
                "/b/k.pdf?X-Amz-Expires=900&X-Amz-Signature=5e1b9c0f&X-Amz-Date=20251226",
                &["5e1b9c0f"],
            ),
            ("api_key=K1;next", &["K1"]),
            ("X-Api-Key: 0123abcd", &["0123abcd"]),
            ("Authorization: Bearer abc.def", &["Bearer abc.def"]),
            (r#"{"password": "p w\"d", "user": "bob"}"#, &[r#"p w\"d"#]),
            (r#"{\"apiKey\":\"k-1\"}"#, &["k-1"]),
            ("user[password]=x1&user[name]=bob", &["x1"]),
            ("sessionid='s3ss'", &["s3ss"]),
            (
                "Cookie: sessionid=abc; csrftoken=def",
                &["sessionid=abc", "def"],
            ),
            ("card_number = 4111111111111111", &["4111111111111111"]),
            ("otp:123456 sent", &["123456"]),
            ("password: Hunter2 tried", &["Hunter2"]),
            ("password: letmein", &["letmein"]),
            ("password: Letmein", &["Letmein"]),
            ("password=This is", &["This"]),
            // Names of two words, the last alone not sensitive.
            ("API key: sk-abc123XYZ; next", &["sk-abc123XYZ"]),
            ("Session ID: 8f14e45fceea167a", &["8f14e45fceea167a"]),
            (r#"{"api key": "k-2"}"#, &["k-2"]),
            // Lists, objects and Python's prefixed strings, whole.
            ("<QueryDict: {'password': ['hunter2']}>", &["['hunter2']"]),
            (
                r#"{"password":["a]b","c"],"user":"bob"}"#,
                &[r#"["a]b","c"]"#],
            ),
            (
                r#"{"credentials": {"user": "bob", "pass": "x"}} after"#,
                &[r#"{"user": "bob", "pass": "x"}"#],
            ),
            (r#"{\"token\":[\"t]1\"]}"#, &[r#"[\"t]1\"]"#]),
            ("{'password': b'hunter2'}", &["hunter2"]),
            ("password = rb\"x1\"", &["x1"]),
            (
                "password: [unclosed, to the end",
                &["[unclosed, to the end"],
            ),
            ("pin: [1234, 5678]", &["[1234, 5678]"]),
            // A query parameter ends at the fragment.
            ("https://s/cb?token=f00d#/orders/7", &["f00d"]),
            ("a=1&token=f00d#x", &["f00d"]),
            ("password=ab#12", &["ab#12"]),
            ("//password: x1", &["x1"]),
            // An `=` written out, and the escape before the name.
            (
                "/login?next=%2Fcb%3Ftoken%3Dabc123%26state%3Dok",
                &["abc123"],
            ),
            ("next=%2Fcb%253Ftoken%253Dabc123%2526x%253D1", &["abc123"]),
            ("r=%2Fcb%3Fpassword%3Dp%2Bw%3D%3D%23top", &["p%2Bw%3D%3D"]),
            (
                r#"{\"u\":\"https://x?token\u003dabc123\u0026a\u003d1\"}"#,
                &["abc123"],
            ),
            (r"b'password\x3dhunter2'", &["hunter2"]),
            (r"line one\npassword=hunter2", &["hunter2"]),
            ("%26password=hunter2", &["hunter2"]),
            // What ends a value is encoded as its `=` is: once encoded, a
            // `%2526` is the value's own `&`; after `\u003d`, so is `%26`.
            ("next=%2Fcb%3Fpassword%3Dp%2526w0rd%26x", &["p%2526w0rd"]),
            (
                r#"{\"u\":\"https://x?password\u003dp%26w0rd\"}"#,
                &["p%26w0rd"],
            ),
            // A name after a backslash that only looks like an escape.
            (r"C:\new\token=abc123", &["abc123"]),
            (r"cfg\refreshtoken=abc123", &["abc123"]),
            (r"\tokens=abc123", &["abc123"]),
            // A `#` ends a value in a URL's query only.
            (r"password\u003dp#ss", &["p#ss"]),
            (r"x?password\u003dp#ss", &["p"]),
            ("x%3Fpassword%3Dp#ss", &["p"]),
        ];
        for (text, expected) in cases {
            assert_eq!(check(text), *expected, "{text}");
        }
    }

    #[test]
    fn other_parameters_survive() {
        for text in [
            "/search?q=token&page=2",
            "author=bob&keyboard_layout=fa",
            "at 10:30:45",
            "https://example.com:8443/",
            "password=",
            "password: ",
            "ratio=1:2",
            "ValidationError: password: This password is too common.",
            // A URL's user name: its password is the URL scanner's.
            "https://x-access-token:ghs_abc123@github.com/o/r",
            "the key: 42",
            "password=[REDACTED]",
            "card_number: [CARD ****1111] and more",
            "/login?next=%2Fcb%3Fq%3Dtoken%26page%3D2",
            "token%3D%26x%3D1",
            "token%3D",
            "password%3",
            r"password\u003",
            "max tokens %3d per request",
            "Session ID %3d of %d",
            "token %3Dabc",
            "token%3D abc",
            "100%",
            "",
        ] {
            assert_eq!(check(text), Vec::<String>::new(), "{text}");
        }
    }
}
