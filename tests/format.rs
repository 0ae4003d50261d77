//! The format vectors under `tests/vectors/format/`: an event in, each
//! format's line out, or the error that the line is not an event.

use barg::timestamp::parse_offset;
use barg::{Event, Format, Formatter};
use serde_json::{Value, json};

use crate::util::{blessing, input_line, received, vectors, write_vector};

/// What one vector produces: the three lines, or the error.
fn run(doc: &Value) -> Value {
    let zone = doc["zone"].as_str().map_or_else(barg::timestamp::utc, |z| {
        parse_offset(z).expect("vector zone is valid")
    });
    match Event::from_json(&input_line(doc), received()) {
        Ok(event) => {
            let mut lines = serde_json::Map::new();
            for format in Format::ALL {
                let line = Formatter::new(format).in_zone(zone).format(&event);
                lines.insert(format.name().to_owned(), Value::String(line));
            }
            Value::Object(lines)
        }
        Err(error) => json!({ "error": error.to_string() }),
    }
}

#[test]
fn format_vectors() {
    let mut failures = Vec::new();
    for mut vector in vectors("format") {
        let got = run(&vector.doc);
        if blessing() {
            vector.doc["expect"] = got;
            write_vector(&vector.path, &vector.doc);
        } else if vector.doc["expect"] != got {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                vector.name, vector.doc["expect"], got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_vectors_name_their_files() {
    for vector in vectors("format") {
        let is_error = vector.doc["expect"].get("error").is_some();
        assert_eq!(
            vector.name.starts_with("error_"),
            is_error,
            "{}: error vectors, and only they, are named error_*",
            vector.name
        );
    }
}
