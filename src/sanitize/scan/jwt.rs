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

/// Finds the JWTs in `text`.
pub fn find(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token_byte(bytes[i]) {
            i += 1;
        }
        if let Some(token_start) = token_in(&bytes[start..i]) {
            out.push(Span::new(start + token_start, i, Rule::Jwt));
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
