//! Admission: the one place where a line of input becomes an event or a
//! rejection, and the framing that cuts streams into lines.
//!
//! Every source (stdin, Unix and TCP streams, HTTP) calls [`Admission::admit`]
//! and nothing else, so the pipeline's first three steps — parse, validate
//! (strict), sanitize — change here and only here. Today `admit` checks the
//! size and UTF-8 and parses with `Event::from_json`. The validator replaces
//! the parse (`Validator::check(input, received)` gives an event and its
//! violations, which map one to one onto [`Violation`]); the sanitizer then
//! runs on the admitted event (`Sanitizer::sanitize(&mut event)`) and, for a
//! rejection, on the input kept for `rejected.log` (`sanitize_value`).

use barg::{Event, Timestamp};
use serde::Serialize;

/// How much of a rejected line `rejected.log` keeps.
pub const KEPT_INPUT_BYTES: usize = 4096;

/// One thing wrong with an input, in the validator's shape: where (a JSON
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
    /// The input as text, cut to [`KEPT_INPUT_BYTES`], invalid UTF-8 replaced.
    // Once the sanitizer exists, this is the sanitized input: parsed as JSON
    // when it parses and passed through `sanitize_value`, else scanned as text.
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
pub type Admitted = Result<Event, Rejected>;

/// The admission rules: one per writer, shared by every source.
#[derive(Clone, Copy, Debug)]
pub struct Admission {
    /// The longest line taken, in bytes, without its line break.
    pub max_line_bytes: usize,
}

impl Admission {
    /// Parse → validate → sanitize one line (without its line break).
    pub fn admit(&self, line: &[u8], received: Timestamp, source: &'static str) -> Admitted {
        if line.len() > self.max_line_bytes {
            return Err(self.too_long(line, line.len() as u64, received, source));
        }
        let text = match std::str::from_utf8(line) {
            Ok(text) => text,
            Err(error) => {
                return Err(rejected(
                    line,
                    line.len() as u64,
                    received,
                    source,
                    Violation::whole(
                        "utf8",
                        format!("not valid UTF-8 at byte {}", error.valid_up_to()),
                    ),
                ));
            }
        };
        // The validator takes over here: it parses strictly and returns every
        // violation instead of serde's first error.
        match Event::from_json(text, received) {
            // The sanitizer runs here, on the admitted event.
            Ok(event) => Ok(event),
            Err(error) => {
                let message = error.to_string();
                Err(rejected(
                    line,
                    line.len() as u64,
                    received,
                    source,
                    Violation::whole("invalid", message),
                ))
            }
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
        rejected(
            prefix,
            len,
            received,
            source,
            Violation::whole(
                "too_long",
                format!(
                    "line of {len} bytes is over the limit of {} bytes",
                    self.max_line_bytes
                ),
            ),
        )
    }
}

fn rejected(
    input: &[u8],
    len: u64,
    received: Timestamp,
    source: &'static str,
    violation: Violation,
) -> Rejected {
    let kept = &input[..input.len().min(KEPT_INPUT_BYTES)];
    Rejected {
        received,
        source,
        violations: vec![violation],
        input: String::from_utf8_lossy(kept).into_owned(),
        input_bytes: len,
    }
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
}

impl Lines {
    /// Lines of at most `max` bytes.
    pub fn new(max: usize) -> Lines {
        Lines {
            max,
            partial: Vec::new(),
            skipping: None,
        }
    }

    /// Feeds the next bytes of the stream; `each` gets every finished frame.
    /// Blank lines are skipped.
    pub fn push(&mut self, mut chunk: &[u8], mut each: impl FnMut(Frame<'_>)) {
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

    #[test]
    fn admission_rejects_with_violations() {
        let admission = Admission {
            max_line_bytes: 200,
        };
        let at = Timestamp::parse("2025-12-26T00:00:00Z").unwrap();
        let ok = br#"{"level":"INFO","logger":"a","message":"m"}"#;
        assert!(admission.admit(ok, at, "stdin").is_ok());
        let cases: &[(&[u8], &str)] = &[
            (b"{not json", "invalid"),
            (b"\xff\xfe", "utf8"),
            (br#"{"level":"INFO","logger":"a"}"#, "invalid"),
            (&[b' '; 201], "too_long"),
        ];
        for (input, code) in cases {
            let rejected = admission.admit(input, at, "stdin").unwrap_err();
            assert_eq!(rejected.violations[0].code, *code, "{input:?}");
            assert_eq!(rejected.input_bytes, input.len() as u64);
            let mut line = Vec::new();
            rejected.write_line(&mut line);
            let back: serde_json::Value = serde_json::from_slice(&line).unwrap();
            assert_eq!(back["violations"][0]["code"], *code);
            assert_eq!(back["received"], "2025-12-26T00:00:00.000000Z");
        }
    }
}
