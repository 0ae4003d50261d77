//! Sensitive keys: the built-in table, and matching a key by its words.
//!
//! A key is split into lowercase words (`X-Api-Key` → `x api key`,
//! `cardNumber` → `card number`, `CSRFToken` → `csrf token`, `password2` →
//! `password 2`). A table entry is written as one word without separators
//! (`apikey`); it matches a key when some run of the key's consecutive words,
//! joined, spells it, or spells it and an `s` (the plural: `tokens`,
//! `api_keys`). So `apikey`, `api_key`, `apiKey`, `API-KEY` and
//! `x-api-key` all match `apikey`, while `monkey` (one word, not `key`) and
//! `keyboard_layout` do not, and no entry can match inside a word.

use std::collections::BinaryHeap;

use super::scan::is_alnum;

/// One row of the built-in table: the entries of one kind of secret.
pub struct SensitiveKeys {
    /// What the keys hold, for documentation.
    pub what: &'static str,
    /// The entries, each the words of a key joined without separators.
    pub entries: &'static [&'static str],
}

/// The keys whose values are always redacted, whatever the value looks like.
///
/// `token` alone is sensitive, so `token_count` is redacted too; allow such a
/// key in the configuration when its value must stay.
pub const BUILTIN_KEYS: &[SensitiveKeys] = &[
    SensitiveKeys {
        what: "passwords and passphrases",
        entries: &["password", "passwd", "pwd", "passphrase", "passcode"],
    },
    SensitiveKeys {
        what: "tokens: access, refresh, API, CSRF, session",
        entries: &[
            "token",
            "accesstoken",
            "refreshtoken",
            "idtoken",
            "authtoken",
            "apitoken",
            "bearertoken",
            "csrftoken",
            "xsrftoken",
            "csrfmiddlewaretoken",
            "sessiontoken",
        ],
    },
    SensitiveKeys {
        what: "secrets, API keys and the signatures of signed URLs and webhooks",
        entries: &[
            "secret",
            "clientsecret",
            "apikey",
            "apisecret",
            "accesskey",
            "secretkey",
            "signingkey",
            "encryptionkey",
            "masterkey",
            "credential",
            "amzsignature",
            "googsignature",
            "hubsignature",
            "stripesignature",
            "webhooksignature",
        ],
    },
    SensitiveKeys {
        what: "authorization and cookie values, sessions",
        entries: &[
            "authorization",
            "proxyauthorization",
            "cookie",
            "setcookie",
            "sessionid",
            "sessionkey",
            "sid",
            "phpsessid",
            "jsessionid",
        ],
    },
    SensitiveKeys {
        what: "private keys",
        entries: &["privatekey", "sshkey"],
    },
    SensitiveKeys {
        what: "card number, CVV/CVC and expiry",
        entries: &[
            "cardnumber",
            "cardno",
            "ccnumber",
            "creditcard",
            "debitcard",
            "pan",
            "cvv",
            "cvc",
            "cvv2",
            "cvc2",
            "securitycode",
            "expiry",
            "cardexpiry",
            "cardexp",
            "cardexpiration",
            "expirydate",
            "expirationdate",
            "expmonth",
            "expyear",
            "expirymonth",
            "expiryyear",
            "expirationmonth",
            "expirationyear",
        ],
    },
    SensitiveKeys {
        what: "PINs and one-time codes",
        entries: &[
            "pin",
            "pincode",
            "otp",
            "totp",
            "hotp",
            "mfacode",
            "twofactorcode",
            "verificationcode",
        ],
    },
    SensitiveKeys {
        what: "IBAN and Sheba numbers",
        entries: &["iban", "sheba", "shaba"],
    },
];

/// Entries longer than this are refused: matching tries runs of words up to
/// the longest entry, so the bound keeps matching linear in the key.
pub const MAX_ENTRY_LEN: usize = 64;

/// Splits `key` into words, ASCII letters lowercased, calling `word` with
/// each.
///
/// Words break at every character that is not a letter or digit, between a
/// lowercase letter or digit and an uppercase letter (`apiKey`), before the
/// last capital of a run of capitals followed by a lowercase letter
/// (`CSRFToken` → `CSRF`, `Token`), and between letters and ASCII digits
/// (`password2`). Letters of other scripts are kept as they are: Persian and
/// Arabic have no case.
pub fn split_words(key: &str, mut word: impl FnMut(&str)) {
    let mut words = Words::default();
    words.split(key);
    for i in 0..words.len() {
        word(words.word(i));
    }
}

/// `key`'s words joined without separators: the form entries are written in.
pub fn normalize(key: &str) -> String {
    let mut joined = String::with_capacity(key.len());
    split_words(key, |w| joined.push_str(w));
    joined
}

/// A compiled set of key entries, matched by runs of words.
#[derive(Clone, Debug)]
pub struct KeySet {
    /// Sorted, deduplicated entries.
    entries: Vec<String>,
    /// For each first byte, the range of `entries` that start with it.
    by_first_byte: Vec<(u32, u32)>,
    /// The entries of ASCII letters and digits as a trie, which an ASCII
    /// key is read through: node 0 is the root.
    trie: Vec<Node>,
    longest: usize,
}

/// A node of [`KeySet::trie`]: the entries that begin with what leads to it.
#[derive(Clone, Copy, Debug, Default)]
struct Node {
    /// A bit for each letter or digit (by [`alnum_index`]) that some entry
    /// has next.
    children: u64,
    /// The node of the lowest of those; the others follow it in order.
    first: u32,
    /// Whether an entry ends here.
    end: bool,
}

impl Node {
    /// The node after the ASCII byte `b`, in either case. Inlined: matching
    /// calls it once for each byte of a key that a table entry begins.
    #[inline(always)]
    fn next(&self, b: u8) -> Option<usize> {
        let bit = 1u64 << ALNUM_INDEX[usize::from(b)];
        let below = (self.children & (bit - 1)).count_ones();
        (self.children & bit != 0).then(|| self.first as usize + below as usize)
    }
}

/// For each byte, its [`alnum_index`] in lowercase, or 63 (a bit no node
/// has) for a byte that is not an ASCII letter or digit.
const ALNUM_INDEX: [u8; 256] = {
    let mut index = [63; 256];
    let mut b = 0;
    while b < 256 {
        if let Some(i) = alnum_index((b as u8).to_ascii_lowercase()) {
            index[b] = i as u8;
        }
        b += 1;
    }
    index
};

/// `0`..`9` as 0 to 9, `a`..`z` as 10 to 35.
const fn alnum_index(b: u8) -> Option<usize> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as usize),
        b'a'..=b'z' => Some((b - b'a') as usize + 10),
        _ => None,
    }
}

/// The trie of the sorted `entries` made of ASCII letters and digits (no
/// ASCII key spells the others), built breadth first so that a node's
/// children are next to each other, in the order of their bytes.
fn trie(entries: &[String]) -> Vec<Node> {
    let ascii: Vec<&[u8]> = entries
        .iter()
        .map(String::as_bytes)
        .filter(|e| e.iter().all(|&b| alnum_index(b).is_some()))
        .collect();
    // Each node's entries, a range of `ascii` sharing its first `depth`
    // bytes.
    let mut nodes = vec![Node::default()];
    let mut pending = vec![(0, ascii.len(), 0)];
    let mut i = 0;
    while let Some(&(mut from, to, depth)) = pending.get(i) {
        // Sorted, the entry that ends here comes first; the others are
        // longer.
        if from < to && ascii[from].len() == depth {
            nodes[i].end = true;
            from += 1;
        }
        // Fewer than four billion nodes: entries are at most 64 bytes.
        nodes[i].first = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        while from < to {
            let b = ascii[from][depth];
            let end = from + ascii[from..to].partition_point(|e| e[depth] == b);
            if let Some(c) = alnum_index(b) {
                nodes[i].children |= 1 << c;
            }
            nodes.push(Node::default());
            pending.push((from, end, depth + 1));
            from = end;
        }
        i += 1;
    }
    nodes
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet::new(Vec::new())
    }
}

impl KeySet {
    /// A set of normalized entries.
    pub fn new(entries: impl IntoIterator<Item = String>) -> KeySet {
        // Sorted by a heap: any sort gives the same set, and the heap's code
        // is a fraction of another instance of the slice sort in the wasm
        // build (the spans of a redaction keep that one).
        let heap: BinaryHeap<String> = entries.into_iter().filter(|e| !e.is_empty()).collect();
        let mut entries = heap.into_sorted_vec();
        entries.dedup();
        let longest = entries.iter().map(String::len).max().unwrap_or(0);
        let mut by_first_byte = vec![(0u32, 0u32); 256];
        for (i, entry) in entries.iter().enumerate() {
            // Entries are never empty, and never four billion.
            let (Ok(i), Some(&first)) = (u32::try_from(i), entry.as_bytes().first()) else {
                continue;
            };
            let range = &mut by_first_byte[usize::from(first)];
            if range.0 == range.1 {
                *range = (i, i + 1);
            } else {
                range.1 = i + 1;
            }
        }
        KeySet {
            trie: trie(&entries),
            entries,
            by_first_byte,
            longest,
        }
    }

    /// The entries that start with `run`'s first byte.
    fn candidates(&self, run: &str) -> &[String] {
        match run.as_bytes().first() {
            Some(&first) => self.starting_with(first),
            None => &[],
        }
    }

    /// The entries that start with `first`.
    fn starting_with(&self, first: u8) -> &[String] {
        let (start, end) = self.by_first_byte[usize::from(first)];
        self.entries
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// True when some run of `key`'s consecutive words spells an entry, as
    /// [`KeySet::matches_words`] says of `key` split into [`Words`]. An
    /// ASCII key, the usual case, is read in place: no copy, no lowercasing.
    ///
    /// Each entry is compared from each word start, and an entry is at most
    /// [`MAX_ENTRY_LEN`] bytes, so the work stays linear in the key.
    pub fn matches(&self, key: &str) -> bool {
        if !key.is_ascii() {
            let mut words = Words::default();
            words.split(key);
            return self.matches_words(&words);
        }
        let key = key.as_bytes();
        // An entry ends at a word's end, or one `s` before it: its plural.
        let ends_word = |end| {
            is_boundary(key, end)
                || (key.get(end).is_some_and(|b| b.eq_ignore_ascii_case(&b's'))
                    && is_boundary(key, end + 1))
        };
        // Each word start, found in one pass: a letter or digit after
        // anything else, or where [`breaks`] says.
        let mut previous = None;
        for (start, &c) in key.iter().enumerate() {
            if !is_alnum(c) {
                previous = None;
                continue;
            }
            let starts_word = previous.is_none_or(|p| breaks(p, c, key.get(start + 1)));
            if starts_word && self.spelled(key, start, ends_word) {
                return true;
            }
            previous = Some(c);
        }
        false
    }

    /// True when `key`'s words, joined, are an entry: [`KeySet::contains`]
    /// of `key` normalized, without the copy for an ASCII key.
    pub fn contains_key(&self, key: &str) -> bool {
        if !key.is_ascii() {
            return self.contains(&normalize(key));
        }
        let key = key.as_bytes();
        let Some(first) = key.iter().position(u8::is_ascii_alphanumeric) else {
            return false;
        };
        self.spelled(key, first, |end| {
            !key[end..].iter().any(u8::is_ascii_alphanumeric)
        })
    }

    /// Whether the letters and digits of the ASCII `key` from `start` on,
    /// lowercased and with what separates them left out, spell an entry
    /// that ends at a byte `fits`: read through the trie, which stops when
    /// no entry goes on with the next byte, past the longest at most.
    fn spelled(&self, key: &[u8], start: usize, fits: impl Fn(usize) -> bool) -> bool {
        let mut node = 0;
        let mut j = start;
        loop {
            let Some(next) = key.get(j).and_then(|&b| self.trie[node].next(b)) else {
                return false;
            };
            node = next;
            j += 1;
            if self.trie[node].end && fits(j) {
                return true;
            }
            while key.get(j).is_some_and(|&b| !is_alnum(b)) {
                j += 1;
            }
        }
    }

    /// True when the set holds exactly this normalized entry.
    pub fn contains(&self, normalized: &str) -> bool {
        self.candidates(normalized)
            .binary_search_by(|e| e.as_str().cmp(normalized))
            .is_ok()
    }

    /// True when some run of `key`'s consecutive words spells an entry, or
    /// an entry and `s` (its plural: `tokens`, `api_keys`).
    ///
    /// Runs longer than the longest entry are not tried, so the work is
    /// linear in the key's length.
    pub fn matches_words(&self, words: &Words) -> bool {
        // The words are stored joined, so a run of words is a slice.
        for start in 0..words.len() {
            let from = words.start(start);
            let candidates = self.candidates(&words.text[from..]);
            if candidates.is_empty() {
                continue;
            }
            for end in start..words.len() {
                let run = &words.text[from..words.ends[end]];
                if run.len() > self.longest + 1 {
                    break;
                }
                let singular = run
                    .strip_suffix('s')
                    .filter(|_| words.ends[end] - words.start(end) > 1);
                if [Some(run), singular]
                    .into_iter()
                    .flatten()
                    .any(|run| candidates.binary_search_by(|e| e.as_str().cmp(run)).is_ok())
                {
                    return true;
                }
            }
        }
        false
    }
}

/// Whether an ASCII key's words break at byte `i`: at either end, next to
/// a character that is not a letter or digit, or at a boundary that
/// [`split_words`] describes between two letters or digits.
fn is_boundary(key: &[u8], i: usize) -> bool {
    let (Some(&p), Some(&c)) = (i.checked_sub(1).and_then(|p| key.get(p)), key.get(i)) else {
        return true;
    };
    !is_alnum(p) || !is_alnum(c) || breaks(p, c, key.get(i + 1))
}

/// The kinds of byte that words are split by.
const OTHER: u8 = 0;
const DIGIT: u8 = 1;
const LOWER: u8 = 2;
const UPPER: u8 = 3;

/// Each byte's kind: one load where matching a key asks of every byte.
const CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        class[b] = match b as u8 {
            b'0'..=b'9' => DIGIT,
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' => UPPER,
            _ => OTHER,
        };
        b += 1;
    }
    class
};

fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// Whether a word ends between the letters or digits `p` and `c`, `next`
/// following `c`: before a capital after a small letter or a digit
/// (`apiKey`), before the last capital of a run followed by a small letter
/// (`CSRFToken`), and between digits and letters (`password2`).
fn breaks(p: u8, c: u8, next: Option<&u8>) -> bool {
    match (class(p), class(c)) {
        (LOWER | DIGIT, UPPER) => true,
        (UPPER, UPPER) => next.is_some_and(|&n| class(n) == LOWER),
        (p, c) => (p == DIGIT) != (c == DIGIT),
    }
}

/// A key split into words, kept in one buffer.
#[derive(Default)]
pub struct Words {
    text: String,
    ends: Vec<usize>,
}

impl Words {
    /// Splits `key` as [`split_words`] describes, reusing this buffer.
    pub fn split(&mut self, key: &str) {
        self.text.clear();
        self.ends.clear();
        if key.is_ascii() {
            self.split_ascii(key.as_bytes());
            return;
        }
        // Other scripts: words break at what is not a letter or digit, and
        // at ASCII boundaries; non-ASCII letters are taken as they are (Persian
        // and Arabic have no case, and case tables would cost the wasm build).
        let mut prev: Option<char> = None;
        let mut chars = key.chars().peekable();
        while let Some(c) = chars.next() {
            if !c.is_alphanumeric() {
                self.end_word();
                prev = None;
                continue;
            }
            if let Some(p) = prev {
                let next_lower = chars.peek().is_some_and(char::is_ascii_lowercase);
                let digit = |c: char| c.is_ascii_digit();
                let boundary = (c.is_ascii_uppercase() && (p.is_ascii_lowercase() || digit(p)))
                    || (c.is_ascii_uppercase() && p.is_ascii_uppercase() && next_lower)
                    || (digit(c) != digit(p));
                if boundary {
                    self.end_word();
                }
            }
            self.text.push(c.to_ascii_lowercase());
            prev = Some(c);
        }
        self.end_word();
    }

    /// [`Words::split`] for ASCII keys, the usual case, by bytes.
    fn split_ascii(&mut self, key: &[u8]) {
        let mut prev: Option<u8> = None;
        for (i, &c) in key.iter().enumerate() {
            if !c.is_ascii_alphanumeric() {
                self.end_word();
                prev = None;
                continue;
            }
            if let Some(p) = prev {
                if breaks(p, c, key.get(i + 1)) {
                    self.end_word();
                }
            }
            self.text.push(char::from(c.to_ascii_lowercase()));
            prev = Some(c);
        }
        self.end_word();
    }

    fn end_word(&mut self) {
        if self.text.len() > self.start(self.ends.len()) {
            self.ends.push(self.text.len());
        }
    }

    /// Where the `i`th word starts in the joined text.
    fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends[i - 1] }
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the key has no words.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The words, joined without separators.
    pub fn joined(&self) -> &str {
        &self.text
    }

    /// The `i`th word.
    pub fn word(&self, i: usize) -> &str {
        &self.text[self.start(i)..self.ends[i]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> KeySet {
        KeySet::new(
            BUILTIN_KEYS
                .iter()
                .flat_map(|row| row.entries.iter().map(|e| (*e).to_owned())),
        )
    }

    fn words(key: &str) -> Vec<String> {
        let mut all = Vec::new();
        split_words(key, |w| all.push(w.to_owned()));
        all
    }

    #[test]
    fn splitting_understands_every_spelling() {
        let cases: &[(&str, &[&str])] = &[
            ("api_key", &["api", "key"]),
            ("apiKey", &["api", "key"]),
            ("ApiKey", &["api", "key"]),
            ("API_KEY", &["api", "key"]),
            ("X-Api-Key", &["x", "api", "key"]),
            ("CSRFToken", &["csrf", "token"]),
            ("password2", &["password", "2"]),
            ("user[password]", &["user", "password"]),
            ("card number", &["card", "number"]),
            ("HTTP_AUTHORIZATION", &["http", "authorization"]),
            ("", &[]),
            ("__", &[]),
            ("رمز_عبور", &["رمز", "عبور"]),
        ];
        for (key, expected) in cases {
            assert_eq!(words(key), *expected, "{key}");
        }
    }

    #[test]
    fn sensitive_keys_match_in_any_spelling() {
        let set = builtin();
        let mut w = Words::default();
        for key in [
            "password",
            "Password",
            "PASSWORD",
            "new_password1",
            "oldPassword",
            "user_pwd",
            "passphrase",
            "access_token",
            "accessToken",
            "access-token",
            "ACCESS_TOKEN",
            "accesstoken",
            "refresh_token",
            "csrfmiddlewaretoken",
            "X-CSRFToken",
            "csrftoken",
            "session_token",
            "sessionid",
            "session_id",
            "api_key",
            "apiKey",
            "X-Api-Key",
            "x-apikey",
            "client_secret",
            "aws_secret_access_key",
            "X-Amz-Signature",
            "Stripe-Signature",
            "X-Hub-Signature-256",
            "X-Goog-Signature",
            "webhook_signature",
            "Authorization",
            "HTTP_AUTHORIZATION",
            "Proxy-Authorization",
            "Cookie",
            "Set-Cookie",
            "private_key",
            "privateKey",
            "card_number",
            "cardNumber",
            "credit_card",
            "cvv",
            "CVV2",
            "cvc",
            "card_expiry",
            "exp_month",
            "pin",
            "PIN",
            "otp_code",
            "iban",
            "sheba",
            "Sheba_Number",
            "tokens",
            "api_keys",
            "Passwords",
            "ACCESS_TOKENS",
            "client_secrets",
            "credentials",
            "cookies",
            "PHPSESSID",
            "JSESSIONID",
            "توکن_tokens",
        ] {
            w.split(key);
            assert!(set.matches_words(&w), "{key} should be sensitive");
        }
    }

    #[test]
    fn look_alikes_are_not_sensitive() {
        let set = builtin();
        let mut w = Words::default();
        for key in [
            "author",
            "authored_by",
            "keyboard_layout",
            "passage_count",
            "monkey",
            "category",
            "key",
            "public_key_id",
            "spinner",
            "pinned",
            "topping",
            "expected",
            "sidebar",
            "expansion",
            "passenger",
            "compass",
            "event_name",
            "user_email",
            "user_agent",
            "story_id",
            "session_count",
            "signature",
            "signature_valid",
            "has_signature",
            "SignatureMethod",
            "email_signature",
            "sessions",
            "keys",
            "tokenset",
            "passwordsafe",
            "",
        ] {
            w.split(key);
            assert!(!set.matches_words(&w), "{key} should not be sensitive");
        }
    }

    #[test]
    fn entries_are_normalized_and_short() {
        for row in BUILTIN_KEYS {
            for entry in row.entries {
                assert_eq!(normalize(entry), *entry, "{entry} is not normalized");
                assert!(entry.len() <= MAX_ENTRY_LEN, "{entry} is too long");
            }
        }
    }
}
