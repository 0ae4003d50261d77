//! Sensitive keys: the built-in table, and matching a key by its words.
//!
//! A key is split into lowercase words (`X-Api-Key` → `x api key`,
//! `cardNumber` → `card number`, `CSRFToken` → `csrf token`, `password2` →
//! `password 2`). A table entry is written as one word without separators
//! (`apikey`); it matches a key when some run of the key's consecutive words,
//! joined, spells it. So `apikey`, `api_key`, `apiKey`, `API-KEY` and
//! `x-api-key` all match `apikey`, while `monkey` (one word, not `key`) and
//! `keyboard_layout` do not, and no entry can match inside a word.

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
        what: "secrets and API keys",
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
            "credentials",
        ],
    },
    SensitiveKeys {
        what: "authorization and cookie values, sessions",
        entries: &[
            "authorization",
            "proxyauthorization",
            "cookie",
            "cookies",
            "setcookie",
            "sessionid",
            "sessionkey",
            "sid",
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
    longest: usize,
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet::new(Vec::new())
    }
}

impl KeySet {
    /// A set of normalized entries.
    pub fn new(entries: impl IntoIterator<Item = String>) -> KeySet {
        let mut entries: Vec<String> = entries.into_iter().filter(|e| !e.is_empty()).collect();
        entries.sort_unstable();
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
            entries,
            by_first_byte,
            longest,
        }
    }

    /// The entries that start with `run`'s first byte.
    fn candidates(&self, run: &str) -> &[String] {
        let Some(&first) = run.as_bytes().first() else {
            return &[];
        };
        let (start, end) = self.by_first_byte[usize::from(first)];
        self.entries
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// True when the set holds exactly this normalized entry.
    pub fn contains(&self, normalized: &str) -> bool {
        self.candidates(normalized)
            .binary_search_by(|e| e.as_str().cmp(normalized))
            .is_ok()
    }

    /// True when some run of `key`'s consecutive words spells an entry.
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
                if run.len() > self.longest {
                    break;
                }
                if candidates.binary_search_by(|e| e.as_str().cmp(run)).is_ok() {
                    return true;
                }
            }
        }
        false
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
                let next_lower = key.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                let boundary = (c.is_ascii_uppercase()
                    && (p.is_ascii_lowercase() || p.is_ascii_digit()))
                    || (c.is_ascii_uppercase() && p.is_ascii_uppercase() && next_lower)
                    || (c.is_ascii_digit() != p.is_ascii_digit());
                if boundary {
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
