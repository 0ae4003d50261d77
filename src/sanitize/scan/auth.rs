//! Credentials of the HTTP authorization schemes.
//!
//! ```text
//! (?i)\b(?:bearer|basic|token)[ \t]+([A-Za-z0-9._~+/=-]{8,})
//! ```
//! The credential is redacted and the scheme kept (`Bearer [REDACTED]`).
//! So that prose survives (`Basic authentication failed`), a credential
//! counts only when it has a digit or one of `._~+/=-`, or an uppercase
//! letter after a lowercase one (base64: `dXNlcjpwYXNz`); after `Token`, a
//! digit. Trailing full stops are left out (`CSRF token missing.`).

use super::{Span, is_alnum};
use crate::sanitize::Rule;

const SCHEMES: &[&[u8]] = &[b"bearer", b"basic", b"token"];

fn is_credential_byte(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-')
}

/// Finds the credentials in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text.as_bytes(), out, Credentials::at);
}

/// The credential scanner along one text: where the next scheme may start.
#[derive(Default)]
pub struct Credentials {
    next: usize,
}

impl Credentials {
    /// Looks at byte `i`, which matters only when it is `b`, `B`, `t` or
    /// `T`, the first letter of a scheme.
    #[inline]
    pub fn at(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        let at_word_start =
            matches!(bytes[i] | 0x20, b'b' | b't') && (i == 0 || !is_alnum(bytes[i - 1]));
        if i >= self.next && at_word_start {
            self.word(bytes, i, out);
        }
    }

    /// Reads the word that starts at `i`, and the credential after it when
    /// the word is a scheme.
    fn word(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        let scheme = SCHEMES.iter().find(|s| {
            bytes
                .get(i..i + s.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(s))
        });
        let Some(scheme) = scheme else {
            return;
        };
        let mut j = i + scheme.len();
        let spaces = j;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
            j += 1;
        }
        if j == spaces {
            self.next = j;
            return;
        }
        let start = j;
        while j < bytes.len() && is_credential_byte(bytes[j]) {
            j += 1;
        }
        // A full stop ends a sentence, not a credential: `CSRF token missing.`
        let mut end = j;
        while end > start && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let credential = &bytes[start..end];
        // `Token` is also a word of prose; DRF's tokens are hexadecimal.
        let is_token_scheme = scheme.eq_ignore_ascii_case(b"token");
        if looks_like_credential(credential)
            && (!is_token_scheme || credential.iter().any(u8::is_ascii_digit))
        {
            out.push(Span::new(start, end, Rule::AuthCredentials));
        }
        self.next = j.max(i + 1);
    }
}

fn looks_like_credential(word: &[u8]) -> bool {
    word.len() >= 8
        && (word
            .iter()
            .any(|b| b.is_ascii_digit() || !b.is_ascii_alphabetic())
            || word
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    #[test]
    fn credentials_are_found() {
        let cases: &[(&str, &[&str])] = &[
            ("Authorization: Bearer abc123def456", &["abc123def456"]),
            ("bearer mF_9.B5f-4.1JqM", &["mF_9.B5f-4.1JqM"]),
            ("BEARER\tAbCdEf0123456789", &["AbCdEf0123456789"]),
            ("Basic dXNlcjpwYXNz", &["dXNlcjpwYXNz"]),
            ("basic dXNlcjpwYXNzd29yZA==", &["dXNlcjpwYXNzd29yZA=="]),
            (
                "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
                &["9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"],
            ),
            ("h=Bearer  0123456789", &["0123456789"]),
            ("Bearer abc123def456.", &["abc123def456"]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), *expected, "{text}");
        }
    }

    #[test]
    fn prose_survives() {
        for text in [
            "Basic authentication failed",
            "Bearer token expired",
            "the token is missing",
            "Token refreshed for user",
            "bearer",
            "tokens 123456789",
            "Bearer short1",
            "Forbidden (CSRF token missing.): /api/shop/cart/",
            "CSRF token missing or incorrect.",
            "Token refreshed.",
            "WWW-Authenticate: Bearer realm=\"api\"",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
