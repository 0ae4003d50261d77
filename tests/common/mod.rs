//! Vector cases shared by every runtime: the native tests read the vector
//! files from disk, the wasm tests (Node and Chromium) embed them, and both
//! call these functions, so every runtime is held to the same expectations.

use barg::timestamp::{Offset, parse_offset};
use barg::{Event, Format, Formatter, Timestamp};
use serde_json::{Map, Value, json};

/// The time of receipt that vectors assume for events without a timestamp.
pub fn received() -> Timestamp {
    Timestamp::from_unix_micros(1_766_707_200_000_000).unwrap_or(Timestamp::EPOCH)
}

/// The vector's `input` as the line a producer would send: a string is taken
/// as it is, anything else is written as compact JSON.
pub fn input_line(doc: &Value) -> String {
    match &doc["input"] {
        Value::String(raw) => raw.clone(),
        other => other.to_string(),
    }
}

/// What a format vector produces: each format's line, or the error.
pub fn format_case(doc: &Value) -> Value {
    let zone = match doc["zone"].as_str() {
        Some(zone) => match parse_offset(zone) {
            Ok(zone) => zone,
            Err(error) => return json!({ "error": error }),
        },
        None => Offset::UTC,
    };
    match Event::from_json(&input_line(doc), received()) {
        Ok(event) => {
            let mut lines = Map::new();
            for format in Format::ALL {
                let line = Formatter::new(format).in_zone(zone).format(&event);
                lines.insert(format.name().to_owned(), Value::String(line));
            }
            Value::Object(lines)
        }
        Err(error) => json!({ "error": error.to_string() }),
    }
}
