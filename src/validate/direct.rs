//! The direct reader: the common event, read without serde.
//!
//! Most events are plain: valid JSON within every limit, without a duplicate
//! key. For those, driving serde_json's tokenizer through visitors
//! (`reader.rs`) costs more than the tree it builds. This reader walks the
//! bytes itself and builds the same tree into the same [`Fields`]. It takes
//! only what it can read exactly as serde_json would; anything else (a
//! syntax error, a limit reached, a duplicate key, a lone surrogate, an
//! integer of more than 18 digits, a top that is not an object) makes it give
//! up, and the serde reader reads the event again from its start and reports
//! what is wrong. It never reports anything itself, so the violations are
//! always the serde reader's.
//!
//! The tests below hold the two readers to the same tree on every input that
//! this one takes.

use std::borrow::Cow;

use serde_json::Number;

use super::Limits;
use super::json::{Json, Object, Seen};
use super::reader::{Fields, OBJECT_KEYS};
use super::rules::TOP_LEVEL_FIELDS;

/// Deeper than this, serde_json's own recursion limit (128) comes near:
/// such input is left to the serde reader whatever `max_depth` says.
const MAX_DEPTH: usize = 100;

/// Reads `text` into `fields` (which must be empty) when it is an event
/// object that the serde reader would read without a violation; false, with
/// `fields` left empty, otherwise.
pub(super) fn read_event<'a>(text: &'a str, limits: &Limits, fields: &mut Fields<'a>) -> bool {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        at: 0,
        limits,
    };
    let read = scan.event(fields).is_some() && {
        scan.space();
        scan.at == text.len()
    };
    if !read {
        *fields = Fields::default();
    }
    read
}

/// A walk over one event's text; `None` from any step means "not here".
struct Scan<'a, 'l> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    limits: &'l Limits,
}

impl<'a> Scan<'a, '_> {
    /// The event object, its fields by name as the serde reader takes them.
    fn event(&mut self, fields: &mut Fields<'a>) -> Option<()> {
        self.space();
        if !self.eat(b'{') || self.limits.max_depth < 1 {
            return None;
        }
        let mut seen = Seen::default();
        let mut keys = 0;
        self.entries(|scan, key| {
            if keys == scan.limits.max_keys_per_object {
                return None;
            }
            keys += 1;
            let slot = match TOP_LEVEL_FIELDS.iter().position(|name| *name == key) {
                Some(index) => {
                    let known = &mut fields.known[index];
                    if known.is_some() {
                        return None;
                    }
                    known.insert(Json::Null)
                }
                None => {
                    if seen.has(&fields.unknown, &key) {
                        return None;
                    }
                    fields.unknown.push((key, Json::Null));
                    &mut fields.unknown.last_mut()?.1
                }
            };
            scan.value(2, slot)
        })
    }

    /// One value at `depth` (the event object is at depth 1), into `slot`.
    fn value(&mut self, depth: usize, slot: &mut Json<'a>) -> Option<()> {
        self.space();
        match *self.bytes.get(self.at)? {
            b'"' => {
                self.at += 1;
                *slot = Json::String(self.string()?);
            }
            b'-' | b'0'..=b'9' => *slot = Json::Number(self.number()?),
            b't' => {
                self.word(b"true")?;
                *slot = Json::Bool(true);
            }
            b'f' => {
                self.word(b"false")?;
                *slot = Json::Bool(false);
            }
            b'n' => self.word(b"null")?,
            b'{' if depth <= self.limits.max_depth && depth <= MAX_DEPTH => {
                self.at += 1;
                let mut object = Object::with_capacity(OBJECT_KEYS);
                let mut seen = Seen::default();
                self.entries(|scan, key| {
                    if object.len() == scan.limits.max_keys_per_object || seen.has(&object, &key) {
                        return None;
                    }
                    object.push((key, Json::Null));
                    scan.value(depth + 1, &mut object.last_mut()?.1)
                })?;
                *slot = Json::Object(object);
            }
            b'[' if depth <= self.limits.max_depth && depth <= MAX_DEPTH => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if !self.eat(b']') {
                    loop {
                        if items.len() == self.limits.max_array_len {
                            return None;
                        }
                        items.push(Json::Null);
                        self.value(depth + 1, items.last_mut()?)?;
                        self.space();
                        match self.next()? {
                            b',' => {}
                            b']' => break,
                            _ => return None,
                        }
                    }
                }
                *slot = Json::Array(items);
            }
            _ => return None,
        }
        Some(())
    }

    /// An object's entries, after its `{`: each key is handed to `entry`,
    /// which reads the value.
    fn entries(
        &mut self,
        mut entry: impl FnMut(&mut Self, Cow<'a, str>) -> Option<()>,
    ) -> Option<()> {
        self.space();
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            self.space();
            if !self.eat(b'"') {
                return None;
            }
            let key = self.string()?;
            self.space();
            if !self.eat(b':') {
                return None;
            }
            entry(self, key)?;
            self.space();
            match self.next()? {
                b',' => {}
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// A string after its opening quote: borrowed from the text unless it
    /// has escapes. Inlined, so that the usual string, a `&str` that comes
    /// back in registers, is written straight into its place, where a `Cow`
    /// returned from a call is moved through memory.
    #[inline(always)]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        match self.plain_string() {
            Some(string) => Some(Cow::Borrowed(string)),
            None => self.escaped_string().map(Cow::Owned),
        }
    }

    /// A string after its opening quote when it has no escapes and fits
    /// the limit; `None`, having read nothing, otherwise.
    fn plain_string(&mut self) -> Option<&'a str> {
        let (start, end) = (self.at, self.plain(self.at));
        if self.bytes.get(end) != Some(&b'"') || end - start > self.limits.max_string_len {
            return None;
        }
        let string = self.text.get(start..end)?;
        self.at = end + 1;
        Some(string)
    }

    /// A string after its opening quote that has an escape and fits the
    /// limit, unescaped.
    fn escaped_string(&mut self) -> Option<String> {
        let start = self.at;
        let end = self.plain(start);
        if self.bytes.get(end) != Some(&b'\\') {
            return None;
        }
        let string = self.escaped(start, end)?;
        (string.len() <= self.limits.max_string_len).then_some(string)
    }

    /// The rest of a string from its first escape, at `end`.
    fn escaped(&mut self, start: usize, mut end: usize) -> Option<String> {
        let mut owned = String::with_capacity(end - start + 16);
        owned.push_str(self.text.get(start..end)?);
        loop {
            let escape = *self.bytes.get(end + 1)?;
            end += 2;
            owned.push(match escape {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\x08',
                b'f' => '\x0c',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode(&mut end)?,
                _ => return None,
            });
            let run = self.plain(end);
            owned.push_str(self.text.get(end..run)?);
            match *self.bytes.get(run)? {
                b'"' => {
                    self.at = run + 1;
                    return Some(owned);
                }
                b'\\' => end = run,
                _ => return None,
            }
        }
    }

    /// The character of a `\u` escape whose four digits are at `end`, with
    /// the second half of a surrogate pair; a lone surrogate is not read
    /// here (serde_json rejects it).
    fn unicode(&self, end: &mut usize) -> Option<char> {
        let first = self.hex(*end)?;
        *end += 4;
        match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(*end..*end + 2)? != b"\\u" {
                    return None;
                }
                let second = self.hex(*end + 2)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                *end += 6;
                char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            }
            code => char::from_u32(code),
        }
    }

    /// Four hex digits at `at`.
    fn hex(&self, at: usize) -> Option<u32> {
        self.bytes
            .get(at..at + 4)?
            .iter()
            .try_fold(0, |code, &digit| {
                Some(code * 16 + char::from(digit).to_digit(16)?)
            })
    }

    /// Where the run of plain string bytes from `at` ends: at a quote, a
    /// backslash or a control character, or at the end of the text. Eight
    /// bytes at a time, as serde_json does.
    fn plain(&self, mut at: usize) -> usize {
        const ONES: u64 = u64::from_ne_bytes([1; 8]);
        const HIGH: u64 = ONES * 0x80;
        let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
        while let Some(chunk) = self.bytes.get(at..at + 8) {
            let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
                break;
            };
            let word = u64::from_le_bytes(chunk);
            // The lowest byte marked is always a real match: a false mark
            // needs a borrow from a real one below it.
            let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
            let marks = zero(word ^ (ONES * u64::from(b'"')))
                | zero(word ^ (ONES * u64::from(b'\\')))
                | control;
            if marks != 0 {
                return at + (marks.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        while let Some(&byte) = self.bytes.get(at) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                break;
            }
            at += 1;
        }
        at
    }

    /// A number, as serde_json reads it: an integer that fits is a `u64`, or
    /// an `i64` when negative (but `-0` is a float), and anything with a
    /// fraction or an exponent is the nearest `f64`. Integers of more than
    /// 18 digits are left to serde_json.
    fn number(&mut self) -> Option<Number> {
        let start = self.at;
        let negative = self.eat(b'-');
        let digits = self.at;
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.skip_digits(),
            _ => return None,
        }
        let integer = self.at;
        let mut float = false;
        if self.eat(b'.') {
            float = true;
            self.at_least_one_digit()?;
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            float = true;
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.at_least_one_digit()?;
        }
        // A leading zero is a number on its own: "01" is not JSON.
        if matches!(self.bytes.get(self.at), Some(b'0'..=b'9')) {
            return None;
        }
        if float {
            // serde_json's own reading of the number alone: the same
            // rounding, and no second float parser in the npm package.
            return serde_json::from_str(self.text.get(start..self.at)?).ok();
        }
        if integer - digits > 18 {
            return None;
        }
        let magnitude: u64 = self.text.get(digits..integer)?.parse().ok()?;
        Some(match (negative, magnitude) {
            (false, _) => Number::from(magnitude),
            (true, 0) => Number::from_f64(-0.0)?,
            (true, _) => Number::from(-i64::try_from(magnitude).ok()?),
        })
    }

    fn skip_digits(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn at_least_one_digit(&mut self) -> Option<()> {
        let start = self.at;
        self.skip_digits();
        (self.at > start).then_some(())
    }

    /// `true`, `false` or `null`, whose first byte is at hand.
    fn word(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// Skips JSON's whitespace.
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Takes `byte` when it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(next);
        next
    }

    /// Takes the next byte.
    fn next(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::validate::reader::{Tree, read_with_serde};

    /// Reads `input` both ways; when the direct reader takes it, the serde
    /// reader must find nothing wrong and build the same fields. Gives
    /// whether the direct reader took it.
    fn both(input: &str, limits: &Limits) -> bool {
        let mut direct = Fields::default();
        let taken = read_event(input, limits, &mut direct);
        let mut serde = Fields::default();
        let mut out = Vec::new();
        let tree = read_with_serde(input, limits, &mut out, Some(&mut serde));
        if taken {
            assert!(
                out.is_empty() && matches!(tree, Some(Tree::Event)),
                "taken but not valid: {input:?}: {out:?}"
            );
            assert_eq!(format!("{direct:?}"), format!("{serde:?}"), "{input:?}");
        } else {
            assert_eq!(format!("{direct:?}"), format!("{:?}", Fields::default()));
        }
        taken
    }

    #[test]
    fn every_example_event_is_read_directly_and_the_same() {
        let examples = include_str!("../../examples/events.ndjson");
        for line in examples.lines() {
            assert!(both(line, &Limits::default()), "{line}");
        }
    }

    #[test]
    fn every_vector_input_reads_the_same_both_ways() {
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")];
        let (mut inputs, mut taken) = (0, 0);
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("the vectors") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a vector");
                let vector: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                if let Some(input) = vector["input"].as_str() {
                    inputs += 1;
                    taken += usize::from(both(input, &Limits::default()));
                }
            }
        }
        // Both kinds are there: valid events the direct reader takes, and
        // broken ones it leaves.
        assert!(
            inputs > 50 && taken > 10 && taken < inputs,
            "{taken} of {inputs}"
        );
    }

    #[test]
    fn values_read_directly_are_serde_jsons() {
        let taken = [
            r#"{}"#,
            " \t\r\n{ \"a\" : [ 1 , -2 , 3.5 , true , false , null , { } , [ ] ] } \n",
            r#"{"message":"a\"b\\c\/d\be\ff\ng\rh\ti\u0000j\u00e9\u4e2d\ud83d\ude00k"}"#,
            r#"{"message":"\u00E9\uD83D\uDE00","k\u00e9y":1}"#,
            r#"{"n":[0,-0,0.0,-0.0,1e5,1E+5,1e-5,2.5E-3,-1.5e300,123456789012345678]}"#,
            r#"{"n":[-123456789012345678,0.1,0.30000000000000004,4.9e-324,1e-400,1.7976931348623157e308]}"#,
            r#"{"n":[0e999999,123456789012345678901234567890.5,5e-324,2.2250738585072011e-308]}"#,
            r#"{"extra_data":{"a":{"b":{"c":[[["deep"]]]}}},"level":"INFO"}"#,
            "{\"message\":\"درخت آرزوها ☃ \\u2603\"}",
        ];
        for input in taken {
            assert!(both(input, &Limits::default()), "{input}");
        }
        // Past 16 keys an object's keys are also hashed to find a repeat:
        // distinct keys are still taken, and a repeat is still left.
        for keys in [16, 17, 40] {
            let entries: Vec<String> = (0..keys).map(|i| format!("\"k{i}\":{i}")).collect();
            let object = entries.join(",");
            assert!(
                both(&format!("{{{object}}}"), &Limits::default()),
                "{keys} keys"
            );
            let nested = format!(r#"{{"extra_data":{{{object}}}}}"#);
            assert!(both(&nested, &Limits::default()), "{keys} keys");
            let repeated = format!(r#"{{"extra_data":{{{object},"k0":0}}}}"#);
            assert!(!both(&repeated, &Limits::default()), "{keys} keys");
        }
    }

    #[test]
    fn what_is_wrong_or_unusual_is_left_to_the_serde_reader() {
        let left = [
            "",
            "[]",
            "\"event\"",
            "{",
            "{} {}",
            "{}x",
            r#"{"a":1,}"#,
            r#"{,}"#,
            r#"{"a" 1}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":01}"#,
            r#"{"a":-}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":1e+}"#,
            r#"{"a":+1}"#,
            r#"{"a":1e999}"#,
            r#"{"a":-1e999}"#,
            r#"{"a":1234567890123456789}"#,
            r#"{"a":18446744073709551616}"#,
            r#"{"a":NaN}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            r#"{"a":True}"#,
            "{\"a\":\"tab\there\"}",
            "{\"a\":\"line\nbreak\"}",
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12"}"#,
            r#"{"a":"\u12g4"}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\ud800\u0041"}"#,
            r#"{"a":"\udc00"}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"level":"INFO","level":"INFO"}"#,
            r#"{"extra_data":{"k":1,"k":1}}"#,
            "\u{feff}{}",
        ];
        for input in left {
            assert!(!both(input, &Limits::default()), "{input}");
        }
    }

    #[test]
    fn limits_are_left_to_the_serde_reader_at_one_past_them() {
        let limits = Limits {
            max_depth: 3,
            max_string_len: 3,
            max_keys_per_object: 2,
            max_array_len: 2,
            ..Limits::default()
        };
        for (within, past) in [
            (r#"{"a":{"b":[]}}"#, r#"{"a":{"b":[[]]}}"#),
            (r#"{"a":"abc"}"#, r#"{"a":"abcd"}"#),
            (r#"{"a":"\u00e9a"}"#, r#"{"a":"\u00e9ab"}"#),
            (r#"{"abc":1}"#, r#"{"abcd":1}"#),
            (r#"{"a":1,"b":2}"#, r#"{"a":1,"b":2,"c":3}"#),
            (r#"{"a":{"x":1,"y":2}}"#, r#"{"a":{"x":1,"y":2,"z":3}}"#),
            (r#"{"a":[1,2]}"#, r#"{"a":[1,2,3]}"#),
        ] {
            assert!(both(within, &limits), "{within}");
            assert!(!both(past, &limits), "{past}");
        }
    }

    /// JSON text with the forms that readers get wrong: escapes, surrogate
    /// pairs, numbers of every shape, whitespace, nesting, repeated keys.
    fn json(depth: u32) -> BoxedStrategy<String> {
        // Escapes of every kind (and a lone surrogate), raw characters of
        // one to four bytes, a raw tab (which JSON forbids), plain words.
        let pieces = &[
            "a",
            "é",
            "😀",
            "\\\"",
            "\\\\",
            "\\n",
            "\\/",
            "\\u00e9",
            "\\ud83d\\ude00",
            "\\ud83d",
            "\\t",
            "\t",
        ][..];
        let string = proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(pieces).prop_map(str::to_owned),
                "[a-z ]{0,12}",
            ],
            0..6,
        )
        .prop_map(|parts| format!("\"{}\"", parts.concat()));
        let number = prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|n| format!("{n:e}")),
            any::<f64>().prop_map(|n| n.to_string()),
            "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
        ];
        let space = prop_oneof![Just(""), Just(" "), Just("\n\t "), Just("\r")];
        let leaf = prop_oneof![
            string.clone(),
            number,
            Just("true".to_owned()),
            Just("false".to_owned()),
            Just("null".to_owned()),
        ];
        if depth == 0 {
            return leaf.boxed();
        }
        let inner = json(depth - 1);
        let key = prop_oneof![
            string,
            Just("\"level\"".to_owned()),
            Just("\"extra_data\"".to_owned()),
            Just("\"k\"".to_owned()),
        ];
        prop_oneof![
            3 => leaf,
            1 => proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
            2 => proptest::collection::vec((key, space, inner), 0..5).prop_map(|entries| {
                let entries: Vec<String> = entries
                    .into_iter()
                    .map(|(key, space, value)| format!("{key}{space}:{space}{value}"))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn generated_events_read_the_same_both_ways(body in json(3), extra in json(3)) {
            let input = format!("{{\"message\":{body},\"extra_data\":{extra}}}");
            both(&input, &Limits::default());
        }

        #[test]
        fn damaged_example_events_read_the_same_both_ways(
            line in 0..567usize,
            at in any::<prop::sample::Index>(),
            byte in prop_oneof![Just(b'"'), Just(b'\\'), Just(b','), Just(b'}'), Just(b'0'), any::<u8>()],
            cut in any::<bool>(),
        ) {
            let examples = include_str!("../../examples/events.ndjson");
            let line = examples.lines().nth(line % examples.lines().count()).unwrap_or("");
            let mut bytes = line.as_bytes().to_vec();
            let at = at.index(bytes.len());
            if cut {
                bytes.remove(at);
            } else {
                bytes[at] = byte;
            }
            if let Ok(input) = std::str::from_utf8(&bytes) {
                both(input, &Limits::default());
            }
        }
    }
}
