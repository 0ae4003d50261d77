//! The seed's three formats: verbose and simple text lines, and JSON.
//!
//! Whatever an event holds, it comes out as exactly one physical line: the
//! text formats escape line breaks and every other control character, and
//! the JSON format escapes the two Unicode line separators that JSON itself
//! allows raw. For printable text the text formats are byte for byte what
//! CPython's `logging.Formatter` prints.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::timestamp::Offset;
use crate::validate::json::Object;

pub(crate) mod json;

/// A line format.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `[LEVEL] YYYY-MM-DD HH:MM:SS LOGGER | MESSAGE`, the seed's production format.
    Simple,
    /// `[LEVEL] YYYY-MM-DD HH:MM:SS LOGGER MODULE.FUNCTION:LINE | MESSAGE`,
    /// the seed's development format.
    Verbose,
    /// One JSON object per line, as in `analytics.log`.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Simple, Format::Verbose, Format::Json];

    /// The format's name in configuration and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Simple => "simple",
            Format::Verbose => "verbose",
            Format::Json => "json",
        }
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::names::by_name(deserializer, &Format::ALL, &["simple", "verbose", "json"])
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not simple, verbose or json.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?}: expected simple, verbose or json")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// What the text formats write for a missing module, function or line.
pub const MISSING: &str = "-";

/// Writes events in one format and time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formatter {
    format: Format,
    zone: Offset,
}

impl Formatter {
    /// A formatter writing times in UTC.
    pub fn new(format: Format) -> Formatter {
        Formatter {
            format,
            zone: Offset::UTC,
        }
    }

    /// The same formatter writing times at `zone`'s offset.
    pub fn in_zone(self, zone: Offset) -> Formatter {
        Formatter { zone, ..self }
    }

    /// The event as one line, without the line break.
    pub fn format(&self, event: &Event) -> String {
        let mut out = Vec::with_capacity(128 + event.message.len());
        self.write(event, &mut out);
        text_of(out)
    }

    /// Appends the event as one line to `out`, without the line break.
    pub fn write(&self, event: &Event, out: &mut Vec<u8>) {
        self.write_from(event, Data::Map, out);
    }

    /// [`Formatter::write`], with the event's `extra_data` given as the
    /// JSON text that this format writes for it
    /// ([`crate::Checked::data_json`]) in place of `event.extra_data`.
    pub fn write_with_data(&self, event: &Event, extra_data: &str, out: &mut Vec<u8>) {
        self.write_from(event, Data::Text(extra_data), out);
    }

    /// [`Formatter::write`], with the event's `extra_data` given as the
    /// validator's tree ([`crate::Checked::write_line`]).
    pub(crate) fn write_with_tree(
        &self,
        event: &Event,
        extra_data: &Object<'_>,
        out: &mut Vec<u8>,
    ) {
        self.write_from(event, Data::Tree(extra_data), out);
    }

    fn write_from(&self, event: &Event, data: Data<'_>, out: &mut Vec<u8>) {
        match self.format {
            Format::Simple => self.write_text(event, false, out),
            Format::Verbose => self.write_text(event, true, out),
            Format::Json => self.write_json(event, data, out),
        }
    }

    fn write_text(&self, event: &Event, verbose: bool, out: &mut Vec<u8>) {
        out.push(b'[');
        out.extend_from_slice(event.level.name().as_bytes());
        out.extend_from_slice(b"] ");
        event.timestamp.write_seconds(self.zone, out);
        out.push(b' ');
        // Logger names are plain ASCII by construction: nothing to escape.
        out.extend_from_slice(event.logger.as_str().as_bytes());
        if verbose {
            out.push(b' ');
            escape_into(event.module.as_deref().unwrap_or(MISSING), out);
            out.push(b'.');
            escape_into(event.function.as_deref().unwrap_or(MISSING), out);
            out.push(b':');
            match event.line {
                Some(line) => out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes()),
                None => out.extend_from_slice(MISSING.as_bytes()),
            }
        }
        out.extend_from_slice(b" | ");
        escape_into(&event.message, out);
    }

    fn write_json(&self, event: &Event, data: Data<'_>, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"timestamp\":\"");
        event.timestamp.write_rfc3339(self.zone, out);
        out.extend_from_slice(b"\",\"level\":\"");
        out.extend_from_slice(event.level.name().as_bytes());
        out.extend_from_slice(b"\",\"logger\":\"");
        out.extend_from_slice(event.logger.as_str().as_bytes());
        out.extend_from_slice(b"\",\"message\":");
        json::string(&event.message, out);
        if let Some(module) = &event.module {
            out.extend_from_slice(b",\"module\":");
            json::string(module, out);
        }
        if let Some(function) = &event.function {
            out.extend_from_slice(b",\"function\":");
            json::string(function, out);
        }
        if let Some(line) = event.line {
            out.extend_from_slice(b",\"line\":");
            out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
        }
        if !event.context.is_empty() {
            out.extend_from_slice(b",\"context\":");
            json::context(&event.context, out);
        }
        out.extend_from_slice(b",\"extra_data\":");
        match data {
            Data::Map => json::map(&event.extra_data, out),
            Data::Text(text) => out.extend_from_slice(text.as_bytes()),
            Data::Tree(object) => json::tree_object(object, out),
        }
        out.push(b'}');
    }
}

/// True for the characters that the text formats write as escapes: C0
/// controls, DEL, C1 controls, the Unicode line and paragraph separators, and
/// the bidirectional controls that can make a line read other than it is.
/// Python counts none of them printable, so escaping them keeps parity with
/// CPython for every printable message.
pub fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Appends `text` with every character that [`needs_escape`] written
/// visibly: `\n`, `\r`, `\t`, `\xHH` up to U+00FF, `\uHHHH` above.
pub fn escape_into(text: &str, out: &mut Vec<u8>) {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    let mut clean_from = 0;
    for (at, c) in text.char_indices() {
        if !needs_escape(c) {
            continue;
        }
        out.extend_from_slice(&text.as_bytes()[clean_from..at]);
        clean_from = at + c.len_utf8();
        match c {
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{0}'..='\u{ff}' => hex_escape(b'x', c, 2, out),
            _ => hex_escape(b'u', c, 4, out),
        }
    }
    out.extend_from_slice(&text.as_bytes()[clean_from..]);
}

/// Appends `\`, `marker` and `c`'s code in lowercase hex, padded with zeros
/// to `width` digits: what `{:02x}` and `{:04x}` write, pushed here rather
/// than formatted (core's formatting machinery costs the wasm build).
fn hex_escape(marker: u8, c: char, width: usize, out: &mut Vec<u8>) {
    let code = u32::from(c);
    let digits = (1..8)
        .find(|&n| code >> (4 * n) == 0)
        .unwrap_or(8)
        .max(width);
    out.extend_from_slice(&[b'\\', marker]);
    for n in (0..digits).rev() {
        out.push(b"0123456789abcdef"[(code >> (4 * n) & 0xf) as usize]);
    }
}

/// The text with [`escape_into`] applied.
pub fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    escape_into(text, &mut out);
    text_of(out)
}

/// Where the JSON format takes an event's `extra_data` from.
enum Data<'a> {
    /// The event's own map.
    Map,
    /// Its JSON text, written already.
    Text(&'a str),
    /// The validator's tree of it.
    Tree(&'a Object<'a>),
}

/// The validator's tree of an object as the JSON format writes it.
pub(crate) fn json_text(object: &Object<'_>) -> String {
    // Room for a usual event's data, so that it is rarely grown.
    let mut out = Vec::with_capacity(256);
    json::tree_object(object, &mut out);
    text_of(out)
}

/// Bytes written from `str`s and ASCII as a `String`.
pub(crate) fn text_of(out: Vec<u8>) -> String {
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_escapes_are_those_of_format() {
        for c in ('\0'..=char::MAX)
            .step_by(7)
            .chain(['\u{ff}', '\u{fff}', '\u{ffff}'])
        {
            for (marker, width, expected) in [
                (b'x', 2, format!("\\x{:02x}", u32::from(c))),
                (b'u', 4, format!("\\u{:04x}", u32::from(c))),
            ] {
                let mut out = Vec::new();
                hex_escape(marker, c, width, &mut out);
                assert_eq!(out, expected.as_bytes(), "{c:?}");
            }
        }
    }

    #[test]
    fn escapes_are_visible() {
        let cases = [
            ("plain ASCII", "plain ASCII"),
            ("two\nlines", "two\\nlines"),
            ("cr\rlf\r\n", "cr\\rlf\\r\\n"),
            ("tab\there", "tab\\there"),
            ("\u{1b}[31mred\u{1b}[0m", "\\x1b[31mred\\x1b[0m"),
            ("nul\0del\u{7f}", "nul\\x00del\\x7f"),
            ("c1 \u{85} \u{9b}", "c1 \\x85 \\x9b"),
            ("ls\u{2028}ps\u{2029}", "ls\\u2028ps\\u2029"),
            ("bidi \u{202e}evil\u{202c}", "bidi \\u202eevil\\u202c"),
            ("داستان ۱۲۳ 🌳", "داستان ۱۲۳ 🌳"),
            ("back\\slash", "back\\slash"),
            ("nbsp\u{a0}é", "nbsp\u{a0}é"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape(input), expected, "{input:?}");
        }
    }

    #[test]
    fn format_names() {
        for format in Format::ALL {
            assert_eq!(format.name().parse(), Ok(format));
        }
        assert!("Simple".parse::<Format>().is_err());
    }
}
