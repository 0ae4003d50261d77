//! Passwords in URLs.
//!
//! ```text
//! [A-Za-z][A-Za-z0-9+.-]*://[^:\s]*:([^\s?#]*)@[^@\s?#]*
//! ```
//! After `scheme://`, up to the first `?`, `#`, whitespace or quote, the
//! last `@` ends the userinfo; when the userinfo has a `:`, what follows the
//! first `:` is the password (`https://user:[REDACTED]@host`). Taking the
//! last `@` also covers passwords that hold an unescaped `@` or `/`. The
//! user name is kept: it is what tells one connection from another.

use super::Span;
use crate::sanitize::Rule;

fn ends_authority(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`')
}

/// Finds the URL passwords in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text.as_bytes(), out, UrlPasswords::at);
}

/// The URL password scanner along one text: where the last authority it
/// read ends.
#[derive(Default)]
pub struct UrlPasswords {
    next: usize,
}

impl UrlPasswords {
    /// Looks at byte `i`, which matters only when it is the `:` of `://`.
    #[inline]
    pub fn at(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        if i >= self.next && bytes[i..].starts_with(b"://") {
            self.authority(bytes, i, out);
        }
    }

    /// Reads the authority after the `://` at `i`.
    fn authority(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        let start = i + 3;
        let mut end = start;
        while end < bytes.len() && !ends_authority(bytes[end]) {
            end += 1;
        }
        let has_scheme = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
        if has_scheme {
            let head = &bytes[start..end];
            if let Some(at) = head.iter().rposition(|&b| b == b'@') {
                if let Some(colon) = head[..at].iter().position(|&b| b == b':') {
                    if colon + 1 < at {
                        out.push(Span::new(start + colon + 1, start + at, Rule::UrlPassword));
                    }
                }
            } else if let Some((from, to)) = password_with_delimiters(bytes, start) {
                out.push(Span::new(from, to, Rule::UrlPassword));
                end = to;
            }
        }
        self.next = end;
    }
}

/// A password that holds an unescaped `?` or `#` (`postgres://app:p#ss1@db`),
/// which the authority's first reading stopped at: the userinfo then runs to
/// the first `@`, its user without `/`, `?` or `#`, its password without
/// `/` and not a port (`host:8443?next=a@b` keeps its digits).
fn password_with_delimiters(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let run = &bytes[start..];
    let run = &run[..run
        .iter()
        .position(|&b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`'))
        .unwrap_or(run.len())];
    let at = run.iter().position(|&b| b == b'@')?;
    let colon = run[..at].iter().position(|&b| b == b':')?;
    let (user, password) = (&run[..colon], &run[colon + 1..at]);
    let port = password
        .iter()
        .take_while(|&&b| !matches!(b, b'?' | b'#'))
        .all(u8::is_ascii_digit);
    let plain = |part: &[u8], delimiters: &[u8]| !part.iter().any(|b| delimiters.contains(b));
    (plain(user, b"/?#") && plain(password, b"/") && !port)
        .then_some((start + colon + 1, start + at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    #[test]
    fn passwords_are_found() {
        let cases: &[(&str, &[&str])] = &[
            ("https://user:hunter2@example.com/x", &["hunter2"]),
            ("postgres://app:s3cr%40t@db:5432/main", &["s3cr%40t"]),
            ("redis://:onlypass@cache:6379", &["onlypass"]),
            ("amqp://u:p@ss/w@rd@mq.test", &["p@ss/w@rd"]),
            ("see \"ftp://bob:pw1@files.test\"", &["pw1"]),
            (
                "go https://a.test/r?next=https://u:inner@b.test",
                &["inner"],
            ),
            ("two http://a:x1@h1 and http://b:x2@h2", &["x1", "x2"]),
            ("postgres://app:p#ss1@db/x", &["p#ss1"]),
            ("redis://:a?b#c@cache:6379 next", &["a?b#c"]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), *expected, "{text}");
        }
    }

    #[test]
    fn look_alikes_survive() {
        for text in [
            "https://example.com:8443/path",
            "https://user@example.com/",
            "https://example.com/?q=a:b@c",
            "mailto:user@example.com",
            "https://mastodon.test/@alice",
            "://a:b@c",
            "http://user:@host",
            "https://host:8443?next=a@b",
            "https://host:8443/p?x=a:b@c#d",
            "https://host/p?x=a:b#c@d",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
