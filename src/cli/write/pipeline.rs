//! Admission: the one place where a line of input becomes an event or a
//! rejection, and the framing that cuts streams into lines.
//!
//! Every source (stdin, Unix and TCP streams, HTTP) calls [`Admission::admit`]
//! and nothing else, so the pipeline's first steps happen here and only here:
//! the validator (strict by default) reads the line and gives the event or
//! every violation; the sanitizer then redacts the admitted event, or, for a
//! rejection, the input kept for `rejected.log`, so that a secret in a line
//! that failed validation never reaches the disk either.

use std::sync::Arc;

use barg::{Context, Event, Parts, Sanitizer, Timestamp, Validator};
use serde::Serialize;

/// How much of a rejected line `rejected.log` keeps.
pub const KEPT_INPUT_BYTES: usize = 4096;

/// One thing wrong with an input, as the validator says it: where (a JSON
/// pointer into the input, empty for the whole line), a stable code, and a
/// sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// A JSON pointer to the offending value; empty for the whole input.
    pub pointer: String,
    /// A stable, machine-readable code.
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Violation {
    fn whole(code: &str, message: String) -> Violation {
        Violation {
            pointer: String::new(),
            code: code.to_owned(),
            message,
        }
    }
}

impl From<barg::Violation> for Violation {
    fn from(violation: barg::Violation) -> Violation {
        Violation {
            pointer: violation.pointer,
            code: violation.code.to_string(),
            message: violation.message,
        }
    }
}

/// A line that did not become an event: why, and what of it goes to
/// `rejected.log`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rejected {
    /// When it arrived.
    pub received: Timestamp,
    /// Where it came from: `stdin`, `unix`, `tcp` or `http`.
    pub source: &'static str,
    /// Everything wrong with it.
    pub violations: Vec<Violation>,
    /// The input, sanitized, cut to [`KEPT_INPUT_BYTES`], invalid UTF-8
    /// replaced.
    pub input: String,
    /// The input's full length in bytes.
    pub input_bytes: u64,
}

impl Rejected {
    /// The line `rejected.log` takes, without the line break: one JSON object.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        // Serializing plain strings and numbers into a Vec cannot fail.
        if serde_json::to_writer(&mut *out, self).is_err() {
            out.extend_from_slice(b"{\"error\":\"unprintable rejection\"}");
        }
    }
}

/// What admission leaves: an event to route, or a rejection to record.
pub type Admitted = Result<Accepted, Rejected>;

/// An admitted event, sanitized.
#[derive(Debug)]
pub struct Accepted {
    pub event: Event,
    /// Its `extra_data`, sanitized, as the JSON format writes it, when a
    /// file writes it; `event.extra_data` is never built, and is empty.
    pub data: Option<String>,
}

/// The admission rules: one per writer, shared by every source.
#[derive(Clone, Debug)]
pub struct Admission {
    /// The longest line taken, in bytes, without its line break.
    pub max_line_bytes: usize,
    /// Reads and checks each line.
    pub validator: Arc<Validator>,
    /// Redacts what is admitted and what is rejected.
    pub sanitizer: Arc<Sanitizer>,
}

impl Admission {
    /// Validate → sanitize one line (without its line break).
    ///
    /// `writes_data` says whether any file writes the event's `context` and
    /// `extra_data`. When none does, they are dropped instead of sanitized,
    /// and `extra_data` is never even built (only checked): most events go
    /// only to text files, and building and sanitizing what no line holds
    /// would be most of the work. When one does, the data is not built
    /// either: it is sanitized in the validator's tree, which copies out of
    /// the line only what it redacts, and written from there. Either way
    /// nothing leaves admission unsanitized.
    pub fn admit(
        &self,
        line: &[u8],
        received: Timestamp,
        source: &'static str,
        writes_data: impl Fn(&Event) -> bool,
    ) -> Admitted {
        if line.len() > self.max_line_bytes {
            return Err(self.too_long(line, line.len() as u64, received, source));
        }
        match self.validator.check_deferred(line, received) {
            Ok(mut checked) => {
                // The text fields first: the logger, among them, decides the
                // files. The data is sanitized only for a file that writes
                // it, in the validator's tree, and written from there.
                self.sanitizer
                    .sanitize_parts(&mut checked.event, Parts::Text);
                if writes_data(&checked.event) {
                    checked.sanitize_data(&self.sanitizer);
                    let data = Some(checked.data_json());
                    Ok(Accepted {
                        event: checked.event,
                        data,
                    })
                } else {
                    let mut event = checked.event;
                    event.context = Context::default();
                    Ok(Accepted { event, data: None })
                }
            }
            Err(invalid) => Err(self.rejected(
                line,
                line.len() as u64,
                received,
                source,
                invalid
                    .violations
                    .into_iter()
                    .map(Violation::from)
                    .collect(),
            )),
        }
    }

    /// The rejection of a line longer than the limit, of which only `prefix`
    /// was kept.
    pub fn too_long(
        &self,
        prefix: &[u8],
        len: u64,
        received: Timestamp,
        source: &'static str,
    ) -> Rejected {
        let violation = Violation::whole(
            "limit_exceeded",
            format!(
                "line of {len} bytes is over the limit of {} bytes",
                self.max_line_bytes
            ),
        );
        self.rejected(prefix, len, received, source, vec![violation])
    }

    /// The rejection of `input`, which is not JSON for the reason given:
    /// a place in a batch that holds no event.
    pub fn not_json(
        &self,
        input: &[u8],
        reason: &str,
        received: Timestamp,
        source: &'static str,
    ) -> Rejected {
        let violation = Violation::whole("not_json", reason.to_owned());
        self.rejected(input, input.len() as u64, received, source, vec![violation])
    }

    /// A rejection whose kept input is sanitized: as JSON when the input
    /// parses, so that sensitive keys are found too, else as text.
    fn rejected(
        &self,
        input: &[u8],
        len: u64,
        received: Timestamp,
        source: &'static str,
        violations: Vec<Violation>,
    ) -> Rejected {
        let text = String::from_utf8_lossy(input);
        let sanitized = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(mut value) => {
                self.sanitizer.sanitize_value(&mut value);
                value.to_string()
            }
            Err(_) => self
                .sanitizer
                .sanitize_text(&text)
                .unwrap_or_else(|| text.into_owned()),
        };
        Rejected {
            received,
            source,
            violations,
            input: cut(sanitized, KEPT_INPUT_BYTES),
            input_bytes: len,
        }
    }
}

/// `text` cut to at most `max` bytes, at a character boundary.
fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// A piece of a stream, as [`Lines`] cuts it.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A whole line, without its line break (and without a `\r` before it).
    Line(&'a [u8]),
    /// A line over the limit: its first bytes and its full length. The rest
    /// was skipped as it came, never held.
    TooLong {
        /// The first [`KEPT_INPUT_BYTES`] bytes.
        prefix: &'a [u8],
        /// The line's length in bytes.
        len: u64,
    },
}

/// Cuts a byte stream into lines, holding at most `max` bytes of an
/// unfinished line: past that it keeps a prefix and counts the rest.
pub struct Lines {
    max: usize,
    partial: Vec<u8>,
    /// Set while skipping an over-long line: its length so far.
    skipping: Option<u64>,
    /// Whether any bytes have been fed: a byte-order mark that starts the
    /// stream is skipped.
    started: bool,
}

impl Lines {
    /// Lines of at most `max` bytes.
    pub fn new(max: usize) -> Lines {
        Lines {
            max,
            partial: Vec::new(),
            skipping: None,
            started: false,
        }
    }

    /// Feeds the next bytes of the stream; `each` gets every finished frame.
    /// Blank lines are skipped.
    pub fn push(&mut self, mut chunk: &[u8], mut each: impl FnMut(Frame<'_>)) {
        if !self.started && !chunk.is_empty() {
            // A mark split over the first two reads stays in the first
            // line, which is then rejected with it.
            self.started = true;
            chunk = barg::without_byte_order_mark(chunk);
        }
        while !chunk.is_empty() {
            let newline = memchr::memchr(b'\n', chunk);
            let (piece, rest, ends) = match newline {
                Some(at) => (&chunk[..at], &chunk[at + 1..], true),
                None => (chunk, &[][..], false),
            };
            chunk = rest;
            if let Some(skipped) = &mut self.skipping {
                *skipped += piece.len() as u64;
                if ends {
                    let len = *skipped;
                    self.skipping = None;
                    each(Frame::TooLong {
                        prefix: &self.partial,
                        len,
                    });
                    self.partial.clear();
                }
                continue;
            }
            if ends && self.partial.is_empty() {
                // The common case: a whole line inside one chunk, not copied.
                emit(piece, self.max, &mut each);
                continue;
            }
            self.partial.extend_from_slice(piece);
            if self.partial.len() > self.max + 1 {
                // Keep only the prefix for the rejection; count the rest.
                let len = self.partial.len() as u64;
                self.partial.truncate(KEPT_INPUT_BYTES);
                self.partial.shrink_to(KEPT_INPUT_BYTES);
                if ends {
                    each(Frame::TooLong {
                        prefix: &self.partial,
                        len,
                    });
                    self.partial.clear();
                } else {
                    self.skipping = Some(len);
                }
            } else if ends {
                emit(&self.partial, self.max, &mut each);
                self.partial.clear();
            }
        }
    }

    /// The end of a stream whose last line may lack its line break (a file,
    /// standard input): that line is taken.
    pub fn finish(&mut self, each: impl FnMut(Frame<'_>)) {
        if self.skipping.is_some() || !self.partial.is_empty() {
            self.push(b"\n", each);
        }
    }

    /// The end of a stream cut short (a client gone mid-line): the
    /// unfinished line is discarded. True when there was one.
    pub fn discard(&mut self) -> bool {
        let had = self.skipping.is_some() || !self.partial.is_empty();
        self.partial.clear();
        self.skipping = None;
        had
    }
}

fn emit(line: &[u8], max: usize, each: &mut impl FnMut(Frame<'_>)) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > max {
        each(Frame::TooLong {
            prefix: &line[..line.len().min(KEPT_INPUT_BYTES)],
            len: line.len() as u64,
        });
    } else if !line.iter().all(u8::is_ascii_whitespace) {
        each(Frame::Line(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `chunks` and describes the frames: the line, or `long:LEN`.
    fn frames(max: usize, chunks: &[&[u8]], finish: bool) -> Vec<String> {
        let mut lines = Lines::new(max);
        let mut seen = Vec::new();
        let mut record = |frame: Frame<'_>| {
            seen.push(match frame {
                Frame::Line(line) => String::from_utf8_lossy(line).into_owned(),
                Frame::TooLong { prefix, len } => format!("long:{len}:{}", prefix.len()),
            })
        };
        for chunk in chunks {
            lines.push(chunk, &mut record);
        }
        if finish {
            lines.finish(&mut record);
        }
        seen
    }

    /// Chunks, whether the stream ends cleanly, the frames expected.
    type Case = (&'static [&'static [u8]], bool, &'static [&'static str]);

    #[test]
    fn lines_across_chunks() {
        let cases: &[Case] = &[
            (&[b"a\nb\n"], false, &["a", "b"]),
            (&[b"a", b"b\nc"], false, &["ab"]),
            (&[b"a", b"b\nc"], true, &["ab", "c"]),
            (&[b"a\r\n\n  \nb\r\n"], false, &["a", "b"]),
            (&[b"0123456789\n"], false, &["0123456789"]),
            (&[b"0123456789x\n"], false, &["long:11:11"]),
            (
                &[b"01234", b"56789", b"x", b"yz\nok\n"],
                false,
                &["long:13:13", "ok"],
            ),
            (&[b"01234", b"56789", b"xyz"], true, &["long:13:13"]),
        ];
        for (chunks, finish, expected) in cases {
            assert_eq!(frames(10, chunks, *finish), *expected, "{chunks:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_that_starts_the_stream_is_skipped() {
        let bom = "\u{feff}";
        let first = format!("{bom}{{\"a\":1}}\n{bom}b\n");
        let cases: &[(&[&[u8]], &[&str])] = &[
            (&[first.as_bytes()], &["{\"a\":1}", "\u{feff}b"]),
            (&[b"", first.as_bytes()], &["{\"a\":1}", "\u{feff}b"]),
            (
                &[b"x\n", first.as_bytes()],
                &["x", "\u{feff}{\"a\":1}", "\u{feff}b"],
            ),
        ];
        for (chunks, expected) in cases {
            assert_eq!(frames(100, chunks, true), *expected, "{chunks:?}");
        }
    }

    #[test]
    fn an_over_long_line_is_never_held_whole() {
        let mut lines = Lines::new(100);
        let chunk = vec![b'x'; 64 * 1024];
        let mut seen = 0;
        for _ in 0..100 {
            lines.push(&chunk, |_| seen += 1);
            assert!(lines.partial.capacity() <= 2 * 64 * 1024 + KEPT_INPUT_BYTES);
        }
        lines.push(b"\n", |frame| {
            assert_eq!(
                frame,
                Frame::TooLong {
                    prefix: &[b'x'; KEPT_INPUT_BYTES][..],
                    len: 100 * 64 * 1024
                }
            );
            seen += 1;
        });
        assert_eq!(seen, 1);
    }

    #[test]
    fn a_cut_stream_discards_its_partial_line() {
        let mut lines = Lines::new(100);
        let mut seen = Vec::new();
        lines.push(b"{\"a\":1}\n{\"b\"", |f| seen.push(format!("{f:?}")));
        assert!(lines.discard());
        assert!(!lines.discard());
        assert_eq!(seen.len(), 1);
    }

    fn admission() -> Admission {
        Admission {
            max_line_bytes: 200,
            validator: Arc::new(Validator::new(barg::ValidatorConfig::default())),
            sanitizer: Arc::new(Sanitizer::default()),
        }
    }

    #[test]
    fn admission_rejects_with_violations() {
        let admission = admission();
        let at = Timestamp::parse("2025-12-26T00:00:00Z").unwrap();
        let ok = br#"{"level":"INFO","logger":"a","message":"m"}"#;
        assert!(admission.admit(ok, at, "stdin", |_| true).is_ok());
        let cases: &[(&[u8], &str)] = &[
            (b"{not json", "not_json"),
            (b"\xff\xfe", "not_utf8"),
            (br#"{"level":"INFO","logger":"a"}"#, "missing_field"),
            (&[b' '; 201], "limit_exceeded"),
        ];
        for (input, code) in cases {
            let rejected = admission.admit(input, at, "stdin", |_| true).unwrap_err();
            assert_eq!(rejected.violations[0].code, *code, "{input:?}");
            assert_eq!(rejected.input_bytes, input.len() as u64);
            let mut line = Vec::new();
            rejected.write_line(&mut line);
            let back: serde_json::Value = serde_json::from_slice(&line).unwrap();
            assert_eq!(back["violations"][0]["code"], *code);
            assert_eq!(back["received"], "2025-12-26T00:00:00.000000Z");
        }
    }

    #[test]
    fn admitted_and_rejected_lines_are_sanitized() {
        let admission = admission();
        let at = Timestamp::parse("2025-12-26T00:00:00Z").unwrap();
        let ok = br#"{"level":"INFO","logger":"a","message":"card 4111 1111 1111 1111","extra_data":{"password":"hunter2"}}"#;
        let accepted = admission.admit(ok, at, "stdin", |_| true).unwrap();
        assert_eq!(accepted.event.message, "card [REDACTED]");
        // Redacted in the validator's tree, and written from there.
        assert_eq!(
            accepted.data.as_deref(),
            Some(r#"{"password":"[REDACTED]"}"#)
        );
        assert!(accepted.event.extra_data.is_empty());
        // Where no file writes the data, it is dropped, never left as it was.
        let event = admission.admit(ok, at, "stdin", |_| false).unwrap().event;
        assert_eq!(event.message, "card [REDACTED]");
        assert!(event.extra_data.is_empty() && event.context.is_empty());
        // Data with nothing to redact is written as it came; the context is
        // still sanitized.
        let clean = br#"{"level":"INFO","logger":"a","message":"m","context":{"request_id":"token=abcdefabcdefabcdef"},"extra_data":{"order":"A-1","items":[1,2.5,{"sku":"x"}]}}"#;
        let accepted = admission.admit(clean, at, "stdin", |_| true).unwrap();
        assert_eq!(
            accepted.data.as_deref(),
            Some(r#"{"order":"A-1","items":[1,2.5,{"sku":"x"}]}"#)
        );
        assert!(accepted.event.extra_data.is_empty());
        assert_eq!(
            accepted.event.context.request_id.as_deref(),
            Some("token=[REDACTED]")
        );
        let bad = br#"{"level":"LOUD","logger":"a","message":"4111111111111111","extra_data":{"password":"hunter2"}}"#;
        let rejected = admission.admit(bad, at, "stdin", |_| true).unwrap_err();
        assert!(!rejected.input.contains("hunter2"), "{}", rejected.input);
        assert!(
            !rejected.input.contains("4111111111111111"),
            "{}",
            rejected.input
        );
        assert_eq!(rejected.violations[0].code, "unknown_level");
        let not_json = b"password=hunter2 card 4111111111111111 {";
        let rejected = admission
            .admit(not_json, at, "stdin", |_| true)
            .unwrap_err();
        assert!(
            !rejected.input.contains("4111111111111111"),
            "{}",
            rejected.input
        );
    }
}
