//! The format vectors under `tests/vectors/format/`: an event in, each
//! format's line out, or the error that the line is not an event.

use crate::common::format_case;
use crate::util::{blessing, vectors, write_vector};

#[test]
fn format_vectors() {
    let mut failures = Vec::new();
    for mut vector in vectors("format") {
        let got = format_case(&vector.doc);
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
