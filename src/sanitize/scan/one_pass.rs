//! The one-pass scan finds exactly what the scanners find looking at every
//! byte: no trigger in [`super::TRIGGERS`] is missing, on generated texts
//! dense with the starts of secrets, their look-alikes and their parts.

use proptest::prelude::*;

use super::{Scanners, Span, auth, aws, card, email, find_all, iban, jwt, param, pem, token, url};
use crate::sanitize::Rule;
use crate::sanitize::config::Rules;
use crate::sanitize::keys::{BUILTIN_KEYS, KeySet, Words, normalize};

/// Secrets, their parts and their look-alikes, to be glued together.
const FRAGMENTS: &[&str] = &[
    "eyJ",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "eyJhbGciOiJIUzI1NiJ9",
    "eyJzdWIiOiIxIn0",
    ".",
    "..",
    "c2lnbmF0dXJl",
    "Bearer ",
    "basic\t",
    "TOKEN ",
    "Token 9944b0",
    "token",
    "://",
    "https://",
    "postgres://app:s3cr3t@db:5432/main",
    "user:",
    "pw@",
    "@",
    "@host.io",
    "a.b@mail.example.ir",
    "-----BEGIN ",
    "RSA PRIVATE KEY-----",
    "CERTIFICATE-----",
    "-----END ",
    "-----",
    "AKIA",
    "ASIA",
    "IOSFODNN7EXAMPLE",
    "IR820540102680020817909002",
    "IR82 0540 1026 8002 0817 9090 02",
    "DE89370400440532013000",
    "IR82",
    "IR",
    "ir82 ",
    "GB82 WEST ",
    "0540 1026 8002 0817 9090 02",
    "0540102680020817909002",
    "4111 1111 1111 1111",
    "4111-1111-",
    "6037991234567893",
    "۶۰۳۷۹۹۱۲۳۴۵۶۷۸۹۳",
    "٤١١١",
    "۸۲۰۵۴۰",
    "1735208445122",
    "password",
    "api_key",
    "apiKey",
    "X-CSRFToken",
    "user[password]",
    "=",
    ":",
    ": ",
    " = ",
    "\"",
    "\\\"",
    "'",
    "&",
    "?",
    "#",
    " ",
    "  ",
    "-",
    "\n",
    "sessionid=abc;",
    "card_number = ",
    "This is",
    "Letmein",
    "[",
    "]",
    "داستان",
    "ab12CD34ef",
    "dXNlcjpwYXNz",
    "ghp_",
    "16C7e42F292c6912E7710c838347Ae178B4a",
    "github_pat_",
    "_",
    "xoxb-",
    "sk-",
    "sk_live_",
    "AIza",
    "SyA-1234567890abcdefghijklmnopqrstu",
    "proj-AbCdEf0123456789",
    "%3D",
    "\\n",
    "%253D",
    "%3d",
    "\\u003d",
    "\\x3d",
    "%26",
    "%2526",
    "%3F",
    "%23",
    "\\t",
    "\\",
    "%",
    "u003d",
    "token%3D",
];

fn any_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(FRAGMENTS).prop_map(str::to_owned),
        2 => "[0-9 -]{1,8}",
        1 => "[A-Za-z]{1,6}",
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Keys in the spellings people use, sensitive or not.
fn any_key() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(&[
            "api", "Api", "API", "key", "Key", "KEY", "token", "Token", "TOKEN", "pass", "word",
            "Word", "password", "PASSWORD", "csrf", "CSRF", "session", "id", "Id", "ID", "card",
            "number", "x", "count", "2", "12", "pin", "ned", "s", "S", "es", "author", "sid", "ebar", "Secret", "X", "kéy", "رمز", "signature", "Signature", "amz", "Hub",
        ][..]).prop_map(str::to_owned),
        2 => proptest::sample::select(&["_", "-", " ", "__", ".", "[", "]", ""][..]).prop_map(str::to_owned),
        1 => "[A-Za-z0-9]{1,4}",
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

fn any_rules() -> impl Strategy<Value = Rules> {
    any::<u16>().prop_map(|bits| {
        Rule::CONFIGURABLE
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, rule)| rule)
            .collect()
    })
}

fn builtin_entries() -> impl Iterator<Item = String> {
    BUILTIN_KEYS
        .iter()
        .flat_map(|row| row.entries.iter().map(|e| (*e).to_owned()))
}

fn builtin() -> KeySet {
    KeySet::new(builtin_entries())
}

/// A scanner's `find` on every byte.
type Find<'a> = &'a dyn Fn(&str, &mut Vec<Span>);

/// Every enabled scanner's `find`, one after the other in rule order.
fn every_byte(text: &str, rules: Rules, keys: &KeySet) -> Vec<Span> {
    let is_sensitive = |key: &str| keys.matches(key);
    let mut out = Vec::new();
    let scanners: [(Rule, Find); 10] = [
        (Rule::CardNumber, &card::find),
        (Rule::Jwt, &jwt::find),
        (Rule::AuthCredentials, &auth::find),
        (Rule::UrlPassword, &url::find),
        (Rule::SecretParameter, &|text, out| {
            param::find(text, &is_sensitive, out)
        }),
        (Rule::PrivateKey, &pem::find),
        (Rule::AwsAccessKeyId, &aws::find),
        (Rule::ServiceToken, &token::find),
        (Rule::Iban, &iban::find),
        (Rule::Email, &email::find),
    ];
    for (rule, find) in scanners {
        if rules.contains(rule) {
            find(text, &mut out);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn one_pass_finds_what_every_byte_finds(text in any_text(), rules in any_rules()) {
        let keys = builtin();
        let mut spans = Vec::new();
        let mut cards = card::Cards::default();
        let scanners = Scanners::new(rules);
        find_all(&text, scanners, &|key: &str| keys.matches(key), &mut cards, &mut spans);
        prop_assert_eq!(spans, every_byte(&text, rules, &keys));
    }

    #[test]
    fn keys_read_in_place_match_keys_split(key in any_key(), other in any_key()) {
        // The built-in entries, and extra ones of one letter, of digits and
        // of another script.
        let extra = ["x", "12", "kéy", "رمز"].map(str::to_owned);
        let keys = KeySet::new(builtin_entries().chain(extra));
        let mut words = Words::default();
        words.split(&key);
        prop_assert_eq!(keys.matches(&key), keys.matches_words(&words), "{}", key);
        let allowed = KeySet::new([normalize(&other), "tokencount".to_owned()]);
        prop_assert_eq!(allowed.contains_key(&key), allowed.contains(&normalize(&key)), "{}", key);
    }
}
