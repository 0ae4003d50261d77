//! The JSON format's writer: compact JSON, byte for byte as serde_json
//! writes it, except in strings, where the characters that a line must not
//! hold raw are escaped too ([`string`]). Written here rather than through
//! serde's `Serializer`: an event's parts are strings, numbers and JSON
//! trees, and the line is most of the time a pipeline spends writing.

use serde_json::{Map, Number, Value};

use super::hex_escape;
use crate::event::{Context, UserId};
use crate::validate::json::{Json, Object};

/// What a byte of a string asks for: 0 nothing, 1 one of JSON's own
/// escapes, 2 a look at the character it starts ([`raw_separator_width`]).
const NEEDS: [u8; 256] = {
    let mut needs = [0; 256];
    let mut b = 0;
    while b < 0x20 {
        needs[b] = 1;
        b += 1;
    }
    needs[b'"' as usize] = 1;
    needs[b'\\' as usize] = 1;
    needs[0x7f] = 2;
    needs[0xc2] = 2;
    needs[0xd8] = 2;
    needs[0xe2] = 2;
    needs
};

/// Appends `text` as a JSON string. serde_json escapes `"`, `\` and the C0
/// controls (`\b`, `\f`, `\n`, `\r`, `\t`, the others `\u00XX`) but writes
/// DEL, the C1 controls, U+2028/U+2029 and the bidirectional controls raw,
/// as JSON allows. Line-based readers take NEL (U+0085) and U+2028/U+2029
/// for line breaks (Python's `splitlines`, JavaScript), terminals obey C1
/// controls, and the bidirectional controls make a line read other than it
/// is, so they are written as `\uXXXX` too, which means the same character.
pub(crate) fn string(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let width = match NEEDS[usize::from(b)] {
            0 => 0,
            1 => 1,
            _ => raw_separator_width(&bytes[i..]),
        };
        if width == 0 {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[run..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            // Escapes start at a character's first byte.
            _ => hex_escape(b'u', text[i..].chars().next().unwrap_or('\0'), 4, out),
        }
        i += width;
        run = i;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// The UTF-8 length of the character at the start of `bytes` when it is one
/// that [`string`] escapes beyond serde_json, else 0: DEL, C1, U+061C,
/// U+200E/U+200F, U+2028/U+2029, U+202A to U+202E, U+2066 to U+2069 (the
/// characters above ASCII that [`super::needs_escape`] names).
fn raw_separator_width(bytes: &[u8]) -> usize {
    match bytes {
        [0x7f, ..] => 1,
        [0xc2, 0x80..=0x9f, ..] | [0xd8, 0x9c, ..] => 2,
        [0xe2, 0x80, 0x8e | 0x8f | 0xa8..=0xae, ..] | [0xe2, 0x81, 0xa6..=0xa9, ..] => 3,
        _ => 0,
    }
}

/// Appends `n` as serde_json writes it: an integer in full, a float in the
/// shortest form that reads back as the same `f64`.
fn number(n: &Number, out: &mut Vec<u8>) {
    if let Some(u) = n.as_u64() {
        out.extend_from_slice(itoa::Buffer::new().format(u).as_bytes());
    } else if let Some(i) = n.as_i64() {
        out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
    } else {
        // Neither integer, it is a float, and a `Number` is never infinite
        // or NaN.
        let f = n.as_f64().unwrap_or_default();
        out.extend_from_slice(zmij::Buffer::new().format_finite(f).as_bytes());
    }
}

/// Appends a JSON value.
pub(crate) fn value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => boolean(*b, out),
        Value::Number(n) => number(n, out),
        Value::String(s) => string(s, out),
        Value::Array(items) => array(items, self::value, out),
        Value::Object(entries) => map(entries, out),
    }
}

/// Appends a JSON object.
pub(crate) fn map(entries: &Map<String, Value>, out: &mut Vec<u8>) {
    object(entries.iter().map(|(k, v)| (k.as_str(), v)), value, out);
}

/// Appends one of the validator's trees.
pub(crate) fn tree(json: &Json<'_>, out: &mut Vec<u8>) {
    match json {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(b) => boolean(*b, out),
        Json::Number(n) => number(n, out),
        Json::String(s) => string(s, out),
        Json::Array(items) => array(items, tree, out),
        Json::Object(entries) => tree_object(entries, out),
    }
}

/// Appends the validator's tree of an object, its entries in their order.
pub(crate) fn tree_object(entries: &Object<'_>, out: &mut Vec<u8>) {
    object(entries.iter().map(|(k, v)| (k.as_ref(), v)), tree, out);
}

/// Appends the context's fields that are set, in the schema's order.
pub(crate) fn context(context: &Context, out: &mut Vec<u8>) {
    let mut first = true;
    if let Some(id) = &context.user_id {
        key("user_id", &mut first, out);
        match id {
            UserId::Number(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
            UserId::Text(s) => string(s, out),
        }
    }
    for (name, field) in [
        ("request_id", &context.request_id),
        ("client_ip", &context.client_ip),
    ] {
        if let Some(text) = field {
            key(name, &mut first, out);
            string(text, out);
        }
    }
    end_object(first, out);
}

/// Appends `true` or `false`.
pub(crate) fn boolean(b: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// Appends an array of `items`, each written by `write`.
pub(crate) fn array<T>(items: &[T], write: fn(&T, &mut Vec<u8>), out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(item, out);
    }
    out.push(b']');
}

/// Appends an object of `entries`, in their order, each value written by
/// `write`.
pub(crate) fn object<'e, T: ?Sized + 'e>(
    entries: impl Iterator<Item = (&'e str, &'e T)>,
    write: fn(&T, &mut Vec<u8>),
    out: &mut Vec<u8>,
) {
    let mut first = true;
    for (name, item) in entries {
        key(name, &mut first, out);
        write(item, out);
    }
    end_object(first, out);
}

/// Appends `{` before the first key and `,` before the others, then the
/// key and its colon.
fn key(name: &str, first: &mut bool, out: &mut Vec<u8>) {
    out.push(if *first { b'{' } else { b',' });
    *first = false;
    string(name, out);
    out.push(b':');
}

/// Closes an object that [`key`] opened, or writes `{}` when it had no key.
fn end_object(first: bool, out: &mut Vec<u8>) {
    if first {
        out.push(b'{');
    }
    out.push(b'}');
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;
    use serde_json::Value;

    /// serde_json's text of `value`, with every character that
    /// [`crate::format::needs_escape`] names above the C0 controls, which
    /// serde_json writes raw, replaced by its `\uXXXX` escape.
    fn reference(value: &Value) -> String {
        serde_json::to_string(value)
            .unwrap()
            .chars()
            .map(|c| {
                if crate::format::needs_escape(c) && u32::from(c) >= 0x7f {
                    format!("\\u{:04x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect()
    }

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>().prop_map(String::from),
            proptest::sample::select(
                &[
                    "\u{2028}", "\u{85}", "\u{7f}", "\u{202e}", "\u{61c}", "\"", "\\\\", "\n",
                    "\u{1}", "é", "\u{600}", "\u{a0}", "\u{2027}", "\u{206a}"
                ][..]
            )
            .prop_map(str::to_owned),
            "[a-z ]{0,8}",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((text(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn writes_serde_json_text_with_line_escapes(value in json()) {
            let mut out = Vec::new();
            super::value(&value, &mut out);
            prop_assert_eq!(String::from_utf8(out).unwrap(), reference(&value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writer gives serde_json's text wherever [`string`]'s own escapes
    /// are not involved.
    #[test]
    fn writes_what_serde_json_writes() {
        let text = r#"{"a":[1,-2,3.5,1e300,-0.0,18446744073709551615,-9223372036854775808,0.1,
            true,false,null,{},[],{"":""}],"q\"\\/\b\f\n\r\t\u0001\u001f":"é ۱ 🌳 \u00a0",
            "nested":{"x":{"y":[{"z":12345678901234567890}]}},"small":5e-324,"big":1.7976931348623157e308}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let mut out = Vec::new();
        self::value(&value, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }

    #[test]
    fn line_separators_are_escaped() {
        let mut out = b"prefix".to_vec();
        string(
            "a\u{2028}b\u{2029}c\u{85}d\u{7f}e\u{9b}f\u{a0}\u{202e}g\u{2069}\u{61c}\u{200f}",
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "prefix\"a\\u2028b\\u2029c\\u0085d\\u007fe\\u009bf\u{a0}\\u202eg\\u2069\\u061c\\u200f\""
        );
    }

    #[test]
    fn contexts_are_written_as_serde_would() {
        let contexts = [
            Context::default(),
            Context {
                user_id: Some(UserId::Number(-7)),
                ..Context::default()
            },
            Context {
                user_id: Some(UserId::Text("u\"1".to_owned())),
                request_id: Some("req".to_owned()),
                client_ip: Some("::1".to_owned()),
            },
            Context {
                client_ip: Some("10.0.0.1".to_owned()),
                ..Context::default()
            },
        ];
        for c in contexts {
            let mut out = Vec::new();
            context(&c, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&c).unwrap()
            );
        }
    }
}
