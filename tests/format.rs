//! The format vectors under `tests/vectors/format/`: an event in, each
//! format's line out, or the error that the line is not an event.

use crate::common::format_case;
use crate::util::{check_vectors, vectors};

#[test]
fn format_vectors() {
    check_vectors("format", format_case);
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
