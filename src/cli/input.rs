//! Newline-delimited input from files or standard input, line by line, with
//! every bad line reported and the good lines around it kept.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What became of one line, when it did not go well.
pub enum Outcome {
    /// The line is not what the command takes; the reason is printed with
    /// the line's place.
    Invalid(String),
    /// Writing the output failed.
    Io(io::Error),
}

/// How a whole run went.
#[derive(Default)]
pub struct Summary {
    invalid_lines: u64,
    io_failed: bool,
}

impl Summary {
    /// 0 when all went well, 1 when some line was invalid, 2 on IO errors.
    pub fn exit_code(&self) -> ExitCode {
        if self.io_failed {
            ExitCode::from(2)
        } else if self.invalid_lines > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// The longest line that `format`, `route` and `sanitize` take by default,
/// in bytes: the writer's default too.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Runs `each` on every non-blank line of `files` (standard input when the
/// list is empty or for `-`), giving it the line's text and standard output.
/// A line that `each` finds invalid, that is not UTF-8 or that is longer
/// than `max_line` bytes (skipped without being held) is reported on
/// standard error as `FILE:LINE: reason`; a file that cannot be read is
/// reported and skipped. A closed standard output ends the run quietly.
pub fn each_line(
    files: &[PathBuf],
    max_line: usize,
    mut each: impl FnMut(&str, &mut dyn Write) -> Result<(), Outcome>,
) -> Summary {
    each_bounded_line(files, max_line, |name, number, line, out| {
        let result = match line {
            Line::Text(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => each(text, out),
                Err(error) => Err(Outcome::Invalid(format!(
                    "not valid UTF-8: invalid byte at column {}",
                    error.valid_up_to() + 1
                ))),
            },
            Line::TooLong(length) => Err(Outcome::Invalid(format!(
                "line of {length} bytes is over the limit of {max_line} bytes (--max-line-bytes)"
            ))),
        };
        if let Err(Outcome::Invalid(reason)) = &result {
            eprintln!("{name}:{number}: {reason}");
        }
        result
    })
}

fn open(path: &Path) -> io::Result<(String, Box<dyn BufRead>)> {
    if path.as_os_str() == "-" {
        return Ok(("<stdin>".to_owned(), Box::new(io::stdin().lock())));
    }
    let file = File::open(path)?;
    Ok((
        path.display().to_string(),
        Box::new(BufReader::with_capacity(64 * 1024, file)),
    ))
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A reader that closed our output (`barg ... | head`) is no error; any other
/// write failure is.
fn closed_output(error: io::Error, mut summary: Summary) -> Summary {
    if error.kind() != io::ErrorKind::BrokenPipe {
        eprintln!("barg: writing output: {error}");
        summary.io_failed = true;
    }
    summary
}

/// One line as [`each_bounded_line`] hands it over.
pub enum Line<'a> {
    /// The line's bytes, without its line break.
    Text(&'a [u8]),
    /// The line is longer than the bound; only its length was kept.
    TooLong(usize),
}

/// Like [`each_line`], for input that may hold lines of any length: memory
/// stays bounded by `max_line` whatever the input. A longer line is skipped
/// without being stored and handed over as [`Line::TooLong`]. `each` gets the
/// source's name, the line number and the line; blank lines are skipped.
pub fn each_bounded_line(
    files: &[PathBuf],
    max_line: usize,
    mut each: impl FnMut(&str, u64, Line<'_>, &mut dyn Write) -> Result<(), Outcome>,
) -> Summary {
    let stdin_only = [PathBuf::from("-")];
    let files = if files.is_empty() {
        &stdin_only[..]
    } else {
        files
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut summary = Summary::default();
    let mut buffer = Vec::with_capacity(4096);

    for path in files {
        let (name, mut reader) = match open(path) {
            Ok(opened) => opened,
            Err(error) => {
                eprintln!("barg: {}: {error}", path.display());
                summary.io_failed = true;
                continue;
            }
        };
        let mut number = 0u64;
        loop {
            let length = match read_bounded_line(&mut reader, max_line, &mut buffer) {
                Ok(None) => break,
                Ok(Some(length)) => length,
                Err(error) => {
                    eprintln!("barg: {name}:{}: {error}", number + 1);
                    summary.io_failed = true;
                    break;
                }
            };
            number += 1;
            let line = if length > max_line {
                Line::TooLong(length)
            } else {
                let mut text = trim_line_end(&buffer);
                // A byte-order mark that an editor put at the start of a
                // file is no part of its first line.
                if number == 1 {
                    text = barg::without_byte_order_mark(text);
                }
                if text.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                Line::Text(text)
            };
            match each(&name, number, line, &mut out) {
                Ok(()) => {}
                Err(Outcome::Invalid(_)) => summary.invalid_lines += 1,
                Err(Outcome::Io(error)) => return closed_output(error, summary),
            }
        }
    }
    if let Err(error) = out.flush() {
        return closed_output(error, summary);
    }
    summary
}

/// Reads one line into `buffer`, keeping at most `max_line + 2` bytes (the
/// line and its `\r\n`). Returns the line's length without its line break,
/// or `None` at the end of the input. Past the bound the rest of the line is
/// read and dropped, so a line of any length costs constant memory.
fn read_bounded_line(
    reader: &mut dyn BufRead,
    max_line: usize,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<usize>> {
    buffer.clear();
    let keep = max_line.saturating_add(2);
    let mut length = 0usize;
    let mut any = false;
    let mut ended = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..=end], true),
            None => (available, false),
        };
        let room = keep.saturating_sub(buffer.len());
        buffer.extend_from_slice(&chunk[..chunk.len().min(room)]);
        length = length.saturating_add(chunk.len());
        let used = chunk.len();
        reader.consume(used);
        if done {
            ended = true;
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    // The length of the line itself, without `\n` or `\r\n`.
    let ends_lf = buffer.last() == Some(&b'\n') && length <= keep;
    let trimmed = if ends_lf {
        trim_line_end(buffer).len()
    } else if length > keep {
        length - usize::from(ended)
    } else {
        buffer.len()
    };
    Ok(Some(trimmed))
}
