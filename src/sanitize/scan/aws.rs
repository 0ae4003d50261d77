//! AWS access key ids.
//!
//! ```text
//! (?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}
//! ```
//! Found inside any run of `[A-Z0-9]`, so an id glued to other text
//! (`keyAKIA…`) is still found; 16 more characters must follow the prefix.

use super::Span;
use crate::sanitize::Rule;

const PREFIXES: &[&[u8; 4]] = &[
    b"AKIA", b"ASIA", b"ABIA", b"ACCA", b"AGPA", b"AIDA", b"AROA", b"AIPA", b"ANPA", b"ANVA",
    b"APKA",
];

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// Finds the access key ids in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text.as_bytes(), out, AwsKeyIds::at);
}

/// The access key id scanner along one text: where the last id found ends.
#[derive(Default)]
pub struct AwsKeyIds {
    next: usize,
}

impl AwsKeyIds {
    /// Looks at byte `i`, which matters only when it is an `A`.
    #[inline]
    pub fn at(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        if i >= self.next && i + 20 <= bytes.len() && bytes[i] == b'A' {
            self.id(bytes, i, out);
        }
    }

    /// Reads the id that may start at `i`.
    fn id(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        let is_id = PREFIXES.iter().any(|p| bytes[i..i + 4] == p[..])
            && bytes[i + 4..i + 20].iter().all(|&b| is_key_byte(b));
        if is_id {
            out.push(Span::new(i, i + 20, Rule::AwsAccessKeyId));
            self.next = i + 20;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    #[test]
    fn ids_are_found() {
        let cases: &[(&str, &[&str])] = &[
            ("AKIAIOSFODNN7EXAMPLE", &["AKIAIOSFODNN7EXAMPLE"]),
            ("key=ASIAY34FZKBOKMUTVV7A;", &["ASIAY34FZKBOKMUTVV7A"]),
            ("idAKIAIOSFODNN7EXAMPLE", &["AKIAIOSFODNN7EXAMPLE"]),
            ("AKIAIOSFODNN7EXAMPLEXX", &["AKIAIOSFODNN7EXAMPLE"]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), *expected, "{text}");
        }
    }

    #[test]
    fn look_alikes_survive() {
        for text in [
            "AKIAIOSFODNN7EXAMPL",
            "AKIAiosfodnn7example",
            "XKIAIOSFODNN7EXAMPLE",
            "AKIA IOSFODNN7EXAMPLE",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
