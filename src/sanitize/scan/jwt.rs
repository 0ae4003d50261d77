//! JSON Web Tokens (JWS and JWE compact forms).
//!
//! ```text
//! eyJ[\w-]*(?:\.[\w-]*)*      within a run of [A-Za-z0-9_.-], from the first `eyJ`
//! ```
//! A JWT's header is base64url JSON, so it starts with `eyJ` (`{"`). Within a
//! maximal run of base64url characters and dots, a segment holding `eyJ`
//! that is followed by a non-empty segment and at least one more segment
//! starts a token; it runs to the end of the run (five segments for JWE).

use super::{Span, is_alnum};
use crate::sanitize::Rule;

fn is_token_byte(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'_' | b'-' | b'.')
}

/// Finds the JWTs in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text.as_bytes(), out, Jwts::at);
}

/// The JWT scanner along one text: where the last run it read ends.
#[derive(Default)]
pub struct Jwts {
    next: usize,
}

impl Jwts {
    /// Looks at byte `i`, which matters only when it is the `J` of an
    /// `eyJ`: a run of token bytes holds a token only if it holds `eyJ`, so
    /// the run around the first `eyJ` is read, once.
    #[inline]
    pub fn at(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        if i >= self.next && i >= 2 && bytes[i - 2..=i] == *b"eyJ" {
            self.run(bytes, i, out);
        }
    }

    /// Reads the run of token bytes around the `J` at `i`.
    fn run(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        // The look-back stops at the byte before the run, which is at or
        // after the end of the last run read: each byte is read back once.
        let mut start = i - 2;
        while start > 0 && is_token_byte(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < bytes.len() && is_token_byte(bytes[end]) {
            end += 1;
        }
        self.next = end;
        if let Some(token_start) = token_in(&bytes[start..end]) {
            out.push(Span::new(start + token_start, end, Rule::Jwt));
        }
    }
}

/// Where a token starts in a run, if it holds one.
fn token_in(run: &[u8]) -> Option<usize> {
    let mut segments = run.split(|&b| b == b'.').peekable();
    let mut offset = 0;
    while let Some(segment) = segments.next() {
        if let Some(at) = segment.windows(3).position(|w| w == b"eyJ") {
            let mut rest = segments.clone();
            let payload = rest.next();
            let signature = rest.next();
            if payload.is_some_and(|p| !p.is_empty()) && signature.is_some() {
                return Some(offset + at);
            }
        }
        offset += segment.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn tokens_are_found() {
        let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.";
        let jwe = "eyJhbGciOiJSU0EtT0FFUCJ9.OKOawDo13gRp2o.48V1_ALb6US04U3b.5eym8TW_c8SuK.XFBoMYUZodetZdvTiFvSkQ";
        let with_jwt = format!("Authorization: Bearer {JWT}");
        let in_url = format!("https://x.test/cb?id_token={JWT}&state=1");
        let glued = format!("token:{JWT},");
        let cases: Vec<(&str, Vec<&str>)> = vec![
            (JWT, vec![JWT]),
            (&with_jwt, vec![JWT]),
            (&in_url, vec![JWT]),
            (&glued, vec![JWT]),
            (unsigned, vec![unsigned]),
            (jwe, vec![jwe]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), expected, "{text}");
        }
    }

    #[test]
    fn look_alikes_survive() {
        for text in [
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJhbGciOiJIUzI1NiJ9..sig",
            "version 1.2.3",
            "eye.exam.results",
            "file.eyJ",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
