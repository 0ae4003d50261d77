//! Email addresses, masked only when the configuration asks for it.
//!
//! ```text
//! [A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}
//! ```
//! The local part is searched back from each `@`; it cannot hold an `@`, so
//! no byte is looked at twice.

use super::{Span, is_alnum};
use crate::sanitize::Rule;

fn is_local_byte(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_byte(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'.' | b'-')
}

/// Finds the email addresses in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text, out, Emails::at);
}

/// The email scanner along one text: where the last address found ends.
#[derive(Default)]
pub struct Emails {
    last_end: usize,
}

impl Emails {
    /// Looks at byte `i`, which matters only when it is an `@`.
    #[inline]
    pub fn at(&mut self, text: &str, i: usize, out: &mut Vec<Span>) {
        if text.as_bytes()[i] == b'@' && i >= self.last_end {
            self.address(text, i, out);
        }
    }

    /// Reads the address around the `@` at `at`.
    fn address(&mut self, text: &str, at: usize, out: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        let mut start = at;
        while start > self.last_end && is_local_byte(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_domain_byte(bytes[end]) {
            end += 1;
        }
        // The domain ends with a dot and a top-level label of two letters or more.
        let domain = text[at + 1..end].trim_end_matches(['.', '-']);
        let end = at + 1 + domain.len();
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        });
        if start < at && tld_ok {
            out.push(Span::new(start, end, Rule::Email));
            self.last_end = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    #[test]
    fn addresses_are_found() {
        let cases: &[(&str, &[&str])] = &[
            ("user@example.com", &["user@example.com"]),
            (
                "to: first.last+tag@mail.example.ir.",
                &["first.last+tag@mail.example.ir"],
            ),
            ("<a@b.io>, c@d.co", &["a@b.io", "c@d.co"]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), *expected, "{text}");
        }
    }

    #[test]
    fn look_alikes_survive() {
        for text in [
            "@mention",
            "user@localhost",
            "a@b.c",
            "x@.com",
            "email me",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
