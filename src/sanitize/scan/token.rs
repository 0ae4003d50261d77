//! Tokens of known services, by the prefix each service gives its secrets.
//!
//! ```text
//! (?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}
//!     |glpat-[A-Za-z0-9_-]{20,}|xox[bpaers]-[A-Za-z0-9_-]{10,}
//!     |[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,}
//!     |sk-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36,}|hf_[A-Za-z0-9]{30,}
//!     |pypi-[A-Za-z0-9_-]{50,}|shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,}
//!     |dop_v1_[A-Za-z0-9]{64,}|AIza[A-Za-z0-9_-]{35,})
//! ```
//! GitHub, GitLab, Slack, Stripe, OpenAI and Anthropic, npm, Hugging Face,
//! PyPI, Shopify, DigitalOcean and Google API keys. A prefix must start a
//! word: no ASCII letter, digit or `_` before it, unless that is the end of
//! an escape: a percent-escape (`%3Dghp_…` in an encoded URL, `%253Dghp_…`
//! in one encoded twice) or a backslash escape written out (`\nghp_…`,
//! JSON's `\u003dghp_…`, JavaScript's `\x3dghp_…`). The run of token bytes
//! after it must be at least as long as the service's shortest: `sk-learn`
//! and `ghp_` alone are kept. After a prefix that a name could start, the run must not look
//! like words: after Slack's `xox?-`, `glpat-` and `pypi-` it holds a digit
//! or an uppercase letter (`xoxb-token-not-configured` is kept); after `sk-`
//! and `github_pat_` it looks random, with an uppercase and a lowercase
//! letter and a digit, and 16 bytes or more without a `-`, as keys have and
//! slugs (`sk-winter-collection-2025`, `sk-SK-Standard-Voice2024`,
//! `github_pat_expiry_days`) do not. The whole run is replaced.
//!
//! Every prefix but Google's holds a `_` or `-`, a byte prose rarely has, so
//! the scanner looks at those and reads the few bytes before; Google's starts
//! with the `A` that AWS key ids start with.

use super::{MAX_ESCAPE, Span, after_escape, is_alnum};
use crate::sanitize::Rule;

/// The bytes that may follow a prefix.
#[derive(Clone, Copy)]
enum Body {
    /// `[A-Za-z0-9]`
    Alnum,
    /// `[A-Za-z0-9_]`
    Word,
    /// `[A-Za-z0-9_-]`
    Dashed,
}

impl Body {
    fn holds(self, b: u8) -> bool {
        match self {
            Body::Alnum => is_alnum(b),
            Body::Word => is_alnum(b) || b == b'_',
            Body::Dashed => is_alnum(b) || b == b'_' || b == b'-',
        }
    }
}

/// A service's prefix, what follows it and its shortest length.
struct Prefix {
    text: &'static [u8],
    body: Body,
    min: u8,
    /// What else the body must be, for a prefix that a name could start.
    looks: Looks,
}

/// What a body must look like besides its bytes and length.
#[derive(Clone, Copy, PartialEq)]
enum Looks {
    /// Anything.
    Any,
    /// Not lowercase words: a digit or an uppercase letter in it.
    NotWords,
    /// Random: both cases and a digit, and 16 bytes without a `-`.
    Random,
}

const fn prefix(text: &'static [u8], body: Body, min: u8) -> Prefix {
    Prefix {
        text,
        body,
        min,
        looks: Looks::Any,
    }
}

/// [`prefix`], whose body must look as `looks` says.
const fn looking(looks: Looks, text: &'static [u8], body: Body, min: u8) -> Prefix {
    Prefix {
        looks,
        ..prefix(text, body, min)
    }
}

/// The prefixes, by their first byte: a word that starts with another
/// starts no token.
fn prefixes(first: u8) -> &'static [Prefix] {
    match first {
        b'g' => GITHUB_GITLAB,
        b'x' => SLACK,
        b's' => STRIPE_OPENAI_SHOPIFY,
        b'r' => STRIPE_RESTRICTED,
        b'w' | b'n' | b'h' | b'p' | b'd' | b'A' => OTHERS,
        _ => &[],
    }
}

const GITHUB_GITLAB: &[Prefix] = &[
    prefix(b"ghp_", Body::Alnum, 30),
    prefix(b"gho_", Body::Alnum, 30),
    prefix(b"ghu_", Body::Alnum, 30),
    prefix(b"ghs_", Body::Alnum, 30),
    prefix(b"ghr_", Body::Alnum, 30),
    looking(Looks::Random, b"github_pat_", Body::Word, 22),
    looking(Looks::NotWords, b"glpat-", Body::Dashed, 20),
];

const SLACK: &[Prefix] = &[
    looking(Looks::NotWords, b"xoxb-", Body::Dashed, 10),
    looking(Looks::NotWords, b"xoxp-", Body::Dashed, 10),
    looking(Looks::NotWords, b"xoxa-", Body::Dashed, 10),
    looking(Looks::NotWords, b"xoxe-", Body::Dashed, 10),
    looking(Looks::NotWords, b"xoxr-", Body::Dashed, 10),
    looking(Looks::NotWords, b"xoxs-", Body::Dashed, 10),
];

const STRIPE_OPENAI_SHOPIFY: &[Prefix] = &[
    prefix(b"sk_live_", Body::Alnum, 16),
    prefix(b"sk_test_", Body::Alnum, 16),
    looking(Looks::Random, b"sk-", Body::Dashed, 20),
    prefix(b"shpat_", Body::Alnum, 32),
    prefix(b"shpca_", Body::Alnum, 32),
    prefix(b"shppa_", Body::Alnum, 32),
    prefix(b"shpss_", Body::Alnum, 32),
];

const STRIPE_RESTRICTED: &[Prefix] = &[
    prefix(b"rk_live_", Body::Alnum, 16),
    prefix(b"rk_test_", Body::Alnum, 16),
];

/// Stripe's webhook secrets, npm, Hugging Face, PyPI, DigitalOcean, Google.
const OTHERS: &[Prefix] = &[
    prefix(b"whsec_", Body::Alnum, 24),
    prefix(b"npm_", Body::Alnum, 36),
    prefix(b"hf_", Body::Alnum, 30),
    looking(Looks::NotWords, b"pypi-", Body::Dashed, 50),
    prefix(b"dop_v1_", Body::Alnum, 64),
    prefix(b"AIza", Body::Dashed, 35),
];

/// Finds the tokens in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text.as_bytes(), out, ServiceTokens::at);
}

/// The token scanner along one text: where the last token found ends, and
/// where the runs that a prefix was refused for end.
#[derive(Default)]
pub struct ServiceTokens {
    next: usize,
    /// A run refused after a prefix refuses every later start of that
    /// prefix within it (a shorter run, holding less): without this, a text
    /// of `sk-sk-sk-…` would be read again from each `-`.
    refused: Vec<(&'static Prefix, usize)>,
}

impl ServiceTokens {
    /// Looks at byte `i`, which matters only when it is the first `_` or
    /// `-` of a prefix, or the `A` of `AIza`.
    #[inline]
    pub fn at(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        if i < self.next {
            return;
        }
        match bytes[i] {
            b'A' => self.prefix_at(bytes, i, i, out),
            b'_' | b'-' => {
                // The letters and digits before it: the prefix's head (at
                // most six, as in `github_`) is all of them, or those after
                // an escape's own (`\nghp_`, `\u003dghp_`).
                let before = bytes[..i].iter().rev().take(MAX_HEAD + MAX_ESCAPE + 1);
                let word = i - before.take_while(|&&b| is_alnum(b)).count();
                for start in [Some(word), after_escape(bytes, word, i)]
                    .into_iter()
                    .flatten()
                {
                    if (2..=MAX_HEAD).contains(&(i - start)) {
                        self.prefix_at(bytes, start, i, out);
                    }
                }
            }
            _ => {}
        }
    }

    /// Reads the token of the prefix that starts at `start`, a word start,
    /// and holds the trigger at `i`, if there is one.
    fn prefix_at(&mut self, bytes: &[u8], start: usize, i: usize, out: &mut Vec<Span>) {
        let candidates = prefixes(bytes[start]);
        if start < self.next || candidates.is_empty() || !starts_word(bytes, start) {
            return;
        }
        let head = &bytes[start..=i];
        let fits = |p: &&Prefix| {
            p.text.starts_with(head) && bytes.get(start..start + p.text.len()) == Some(p.text)
        };
        if let Some(p) = candidates.iter().find(fits) {
            self.token(bytes, start, p, out);
        }
    }

    /// Reads the token of prefix `p` at `start`, if its body is one.
    fn token(&mut self, bytes: &[u8], start: usize, p: &'static Prefix, out: &mut Vec<Span>) {
        let within = |&(q, end): &(&Prefix, usize)| std::ptr::eq(q, p) && start < end;
        if self.refused.iter().any(within) {
            return;
        }
        let body = start + p.text.len();
        let len = bytes[body..]
            .iter()
            .take_while(|&&b| p.body.holds(b))
            .count();
        let run = &bytes[body..body + len];
        // Which of uppercase, lowercase and digit the run holds, and its
        // longest stretch without a `-`.
        let (mut seen, mut stretch, mut longest) = (0u8, 0, 0);
        for &b in run {
            seen |= u8::from(b.is_ascii_uppercase())
                | u8::from(b.is_ascii_lowercase()) << 1
                | u8::from(b.is_ascii_digit()) << 2;
            stretch = if b == b'-' { 0 } else { stretch + 1 };
            longest = longest.max(stretch);
        }
        let looks = match p.looks {
            Looks::Any => true,
            Looks::NotWords => seen & 0b101 != 0,
            Looks::Random => seen == 0b111 && longest >= 16,
        };
        if len >= usize::from(p.min) && looks {
            out.push(Span::new(start, body + len, Rule::ServiceToken));
            self.next = body + len;
        } else {
            match self.refused.iter_mut().find(|(q, _)| std::ptr::eq(*q, p)) {
                Some(refused) => refused.1 = body + len,
                None => self.refused.push((p, body + len)),
            }
        }
    }
}

/// Whether a word starts at `start`: no letter, digit or `_` before it, or
/// one that ends an escape, after which the text decoded starts a word.
fn starts_word(bytes: &[u8], start: usize) -> bool {
    let before = bytes[..start].iter().rev().take(MAX_ESCAPE + 1);
    match bytes[..start].last() {
        Some(&last) if is_alnum(last) || last == b'_' => {
            let letters = before.take_while(|&&b| is_alnum(b)).count();
            after_escape(bytes, start - letters, bytes.len()) == Some(start)
        }
        _ => true,
    }
}

/// The most letters and digits of a prefix before its first `_` or `-`.
const MAX_HEAD: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    #[test]
    fn tokens_are_found() {
        let gh = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
        let cases: &[(&str, &[&str])] = &[
            (gh, &[gh]),
            (&format!("token {gh}, again"), &[gh]),
            (&format!("https://{gh}@github.com/o/r"), &[gh]),
            (&format!("cb%3Fto%3D{gh}%26x"), &[gh]),
            (&format!("Authorization%3A%20token%20{gh}"), &[gh]),
            (&format!(r"line one\n{gh}"), &[gh]),
            (&format!(r#"{{\"to\":\"x\u003d{gh}\"}}"#), &[gh]),
            (&format!(r"b'key\x3d{gh}'"), &[gh]),
            (&format!("cb%3Fto%253D{gh}%2526x"), &[gh]),
            (&format!("%253D{gh}"), &[gh]),
            (&format!(r"\u003D{gh}"), &[gh]),
            (
                r"\u003dAIzaSyA-1234567890abcdefghijklmnopqrstu",
                &["AIzaSyA-1234567890abcdefghijklmnopqrstu"],
            ),
            (
                "ghs_16C7e42F292c6912E7710c838347Ae178B4a.",
                &["ghs_16C7e42F292c6912E7710c838347Ae178B4a"],
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                &["github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"],
            ),
            (
                "glpat-xxxxXXXX1234-5678abcd",
                &["glpat-xxxxXXXX1234-5678abcd"],
            ),
            (
                "slack xoxb-2837461-1029384756-AbCdEfGh",
                &["xoxb-2837461-1029384756-AbCdEfGh"],
            ),
            (
                "key=sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                &["sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
            ),
            (
                "rk_test_51H8zQ2LkZxYwVuTsRqPo",
                &["rk_test_51H8zQ2LkZxYwVuTsRqPo"],
            ),
            (
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            ),
            (
                "sk-proj-AbCdEf0123456789_xyzXYZ-987",
                &["sk-proj-AbCdEf0123456789_xyzXYZ-987"],
            ),
            (
                "sk-ant-api03-AbCdEf0123456789xyz",
                &["sk-ant-api03-AbCdEf0123456789xyz"],
            ),
            (
                "npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
                &["npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"],
            ),
            (
                "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
                &["hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"],
            ),
            (
                "shpat_0123456789abcdef0123456789abcdef",
                &["shpat_0123456789abcdef0123456789abcdef"],
            ),
            (
                "AIzaSyA-1234567890abcdefghijklmnopqrstu",
                &["AIzaSyA-1234567890abcdefghijklmnopqrstu"],
            ),
            (
                "key:AIzaSyA-1234567890abcdefghijklmnopqrstu",
                &["AIzaSyA-1234567890abcdefghijklmnopqrstu"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), *expected, "{text}");
        }
        let pypi = format!("pypi-AgEIcHlwaS5vcmc{}", "x".repeat(40));
        assert_eq!(found(find, &pypi), [pypi.as_str()]);
        let digitalocean = format!("dop_v1_{}", "0a".repeat(32));
        assert_eq!(found(find, &digitalocean), [digitalocean.as_str()]);
    }

    #[test]
    fn look_alikes_survive() {
        for text in [
            "ghp_",
            "ghp_short1234",
            "my_ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "xghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "sk-learn",
            "task-0123456789abcdefghijklmnop",
            "risk-assessment-for-the-quarter-2025",
            "sk-winter-collection-2025-blue-edition",
            "voice=sk-SK-Standard-Voice2024",
            "github_pat_expiration_warning_days",
            "missing xoxb-token-not-configured",
            "job glpat-rotation-reminder-weekly done",
            "mirror pypi-internal-packages-mirror-for-the-data-platform-team ok",
            "x%3Gghp_16C7e42F292c6912E7710c838347Ae178B4a",
            r"x\qghp_16C7e42F292c6912E7710c838347Ae178B4a",
            r"x\u003gghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "u003dghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "x%25Gdghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "x%2Zghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "sk_live_short",
            "xoxb-123",
            "AIza",
            "AIzaSyShort",
            "XAIzaSyA-1234567890abcdefghijklmnopqrstu",
            "GHP_16C7E42F292C6912E7710C838347AE178B4A",
            "npm_install",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
