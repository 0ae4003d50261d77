//! Reading untrusted text into a bounded JSON tree.
//!
//! serde_json alone would take duplicate keys silently (the last wins) and
//! nest up to 128 levels. Here a `DeserializeSeed` drives serde_json's
//! tokenizer and builds the tree itself: it records every duplicate key,
//! over-long string, over-full object or array and over-deep container with
//! its JSON Pointer, and skips what lies past a limit without building it.
//! The tree is built to at most `max_depth` levels; serde_json skips a value
//! (`IgnoredAny`) with a loop and a heap stack, not recursion, so the work is
//! linear in the input and the call stack stays shallow at any nesting.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

#[cfg(not(target_arch = "wasm32"))]
use super::direct;
use super::json::{Json, Object, Seen};
use super::rules::TOP_LEVEL_FIELDS;
use super::{Code, Limits, MAX_VIOLATIONS, Violation, push_token};

/// What was read: the event object, taken apart into the caller's
/// [`Fields`] as it is read (so that they are never moved), or any other
/// JSON value.
#[derive(Debug)]
pub(super) enum Tree<'a> {
    /// A JSON object, whose fields are in the [`Fields`] given to [`read`].
    Event,
    /// Anything but an object.
    Other(Json<'a>),
}

/// The fields of the event object: the known ones by their place in
/// [`TOP_LEVEL_FIELDS`], the others in the order they came. Its keys are
/// matched by name as they are read, so they are neither hashed nor kept.
#[derive(Debug, Default)]
pub(super) struct Fields<'a> {
    /// The value of each of [`TOP_LEVEL_FIELDS`], when present.
    pub known: [Option<Json<'a>>; TOP_LEVEL_FIELDS.len()],
    /// Every other key, in order.
    pub unknown: Object<'a>,
}

/// The place of `extra_data` in [`TOP_LEVEL_FIELDS`].
const EXTRA_DATA: usize = TOP_LEVEL_FIELDS.len() - 1;

impl<'a> Fields<'a> {
    /// Keeps the checked `extra_data` object for [`Fields::take_extra_data`].
    pub fn put_extra_data(&mut self, object: Object<'a>) {
        self.known[EXTRA_DATA] = Some(Json::Object(object));
    }

    /// The `extra_data` object that the rules checked and put back; empty
    /// when there is none.
    pub fn take_extra_data(&mut self) -> Object<'a> {
        match self.known[EXTRA_DATA].take() {
            Some(Json::Object(object)) => object,
            _ => Object::new(),
        }
    }
}

impl<'a> Tree<'a> {
    /// The tree of a value read some other way (the rules' own tests).
    #[cfg(test)]
    pub fn of(value: Json<'a>, fields: &mut Fields<'a>) -> Tree<'a> {
        match value {
            Json::Object(object) => {
                for (key, value) in object {
                    match TOP_LEVEL_FIELDS.iter().position(|name| *name == key) {
                        Some(index) => fields.known[index] = Some(value),
                        None => fields.unknown.push((key, value)),
                    }
                }
                Tree::Event
            }
            other => Tree::Other(other),
        }
    }
}

/// Reads `input` into a JSON tree (an event object into `fields`, which
/// must be empty), appending a violation for every problem. `None` when the
/// input is not JSON at all (or too large to read).
pub(super) fn read<'a>(
    input: &'a [u8],
    limits: &Limits,
    out: &mut Vec<Violation>,
    fields: &mut Fields<'a>,
) -> Option<Tree<'a>> {
    read_tree(input, limits, out, Some(fields))
}

/// Reads `input` into any JSON value, as an event is read: every problem
/// that reading an event reports is a violation here too, with its
/// pointer. `None` when the input is not JSON at all (or too large).
pub(super) fn read_value<'a>(
    input: &'a [u8],
    limits: &Limits,
    out: &mut Vec<Violation>,
) -> Option<Json<'a>> {
    match read_tree(input, limits, out, None)? {
        Tree::Other(value) => Some(value),
        Tree::Event => None,
    }
}

/// [`read`], and [`read_value`] without `fields`.
fn read_tree<'a>(
    input: &'a [u8],
    limits: &Limits,
    out: &mut Vec<Violation>,
    fields: Option<&mut Fields<'a>>,
) -> Option<Tree<'a>> {
    if let Some(violation) = limits.size_violation(input.len()) {
        out.push(violation);
        return None;
    }
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(error) => {
            out.push(Violation::new(
                "",
                Code::NotUtf8,
                format!(
                    "not valid UTF-8: invalid byte at column {}",
                    error.valid_up_to() + 1
                ),
            ));
            return None;
        }
    };
    // The npm package reads with serde alone: in it the direct reader costs
    // 2.6 KB of gzip and gains nothing measurable.
    #[cfg(not(target_arch = "wasm32"))]
    let fields = match fields {
        Some(fields) => {
            if direct::read_event(text, limits, fields) {
                return Some(Tree::Event);
            }
            Some(fields)
        }
        None => None,
    };
    read_with_serde(text, limits, out, fields)
}

/// Reads valid UTF-8 `text` as [`read_tree`] does, through serde_json's
/// tokenizer: the reader of every input that the direct reader leaves.
pub(super) fn read_with_serde<'a>(
    text: &'a str,
    limits: &Limits,
    out: &mut Vec<Violation>,
    fields: Option<&mut Fields<'a>>,
) -> Option<Tree<'a>> {
    let what = if fields.is_some() {
        "the event"
    } else {
        "the value"
    };
    let mut reader = Reader {
        limits,
        out,
        depth_exceeded: false,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let tree = match (Top {
        reader: &mut reader,
        fields,
    })
    .deserialize(&mut deserializer)
    {
        Ok(tree) => tree,
        Err(error) => {
            // serde_json stops recursing at 128 levels: reached only when
            // max_depth is set above that, it is the depth limit too.
            if error.to_string().starts_with("recursion limit") {
                if !reader.depth_exceeded {
                    let message =
                        format!("nesting is deeper than max_depth ({})", limits.max_depth);
                    reader
                        .out
                        .push(Violation::new("", Code::LimitExceeded, message));
                }
            } else {
                reader.out.push(syntax_violation(text, &error));
            }
            return None;
        }
    };
    if let Err(error) = deserializer.end() {
        reader.out.push(Violation::new(
            "",
            Code::TrailingGarbage,
            format!(
                "something follows {what} (column {})",
                error.column().max(1)
            ),
        ));
    }
    Some(tree)
}

/// The violation for a serde_json syntax error, with its column. `NaN` and
/// the infinities, which some producers write, are named.
fn syntax_violation(text: &str, error: &serde_json::Error) -> Violation {
    let message = error.to_string();
    let reason = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(reason, _)| reason);
    // serde_json's column is the byte (from 1) where it stopped, on the line.
    let line_start = text
        .split('\n')
        .take(error.line().saturating_sub(1))
        .map(|line| line.len() + 1)
        .sum::<usize>();
    let at = (line_start + error.column().saturating_sub(1)).min(text.len());
    let rest = text
        .get(at.saturating_sub(1)..)
        .or_else(|| text.get(at..))
        .unwrap_or("");
    let rest = rest.trim_start_matches([':', ',', '[', ' ', '\t', '\r', '\n']);
    let non_finite = ["NaN", "Infinity", "-Infinity", "+Infinity"]
        .into_iter()
        .find(|word| rest.starts_with(word));
    // Events are one line; a raw line break inside one moves serde_json to
    // the next line, so the column is counted from the start of the input.
    let column = at + 1;
    let message = match non_finite {
        Some(word) => format!("{word} is not a JSON number (column {column})"),
        None if error.is_eof() => format!("the JSON ends too early (column {column})"),
        None => format!("not JSON: {reason} (column {column})"),
    };
    Violation::new("", Code::NotJson, message)
}

/// The state shared by every level of one read.
///
/// Violations found inside a value get pointers relative to that value; each
/// container prefixes its key or index to them as the read returns, so that
/// no path is kept while reading.
struct Reader<'a> {
    limits: &'a Limits,
    out: &'a mut Vec<Violation>,
    depth_exceeded: bool,
}

impl Reader<'_> {
    /// True when a container at `depth` is past `max_depth`, which is then
    /// recorded; the caller skips the container without building it.
    fn too_deep(&mut self, depth: usize) -> bool {
        if depth <= self.limits.max_depth {
            return false;
        }
        self.depth_exceeded = true;
        let message = format!(
            "nesting is deeper than max_depth ({})",
            self.limits.max_depth
        );
        self.limit(None, message);
        true
    }

    /// Whether another violation is kept: past [`MAX_VIOLATIONS`] (and
    /// the one that shows there are more) they are not even made, and the
    /// containers around them have none to put their keys in front of.
    fn keeps(&self) -> bool {
        self.out.len() <= MAX_VIOLATIONS
    }

    /// A limit violation at `last` within the value being read.
    fn limit(&mut self, last: Option<&str>, message: String) {
        if !self.keeps() {
            return;
        }
        let mut pointer = String::new();
        if let Some(last) = last {
            push_token(&mut pointer, last);
        }
        self.out
            .push(Violation::new(pointer, Code::LimitExceeded, message));
    }

    fn too_many_keys(&mut self) {
        let message = format!(
            "the object has more than max_keys_per_object ({}) keys",
            self.limits.max_keys_per_object
        );
        self.limit(None, message);
    }

    fn duplicate(&mut self, key: &str) {
        if !self.keeps() {
            return;
        }
        let mut pointer = String::new();
        push_token(&mut pointer, key);
        self.out.push(Violation::new(
            pointer,
            Code::DuplicateKey,
            format!("the key {key:?} appears more than once in the object"),
        ));
    }

    fn check_string(&mut self, s: &str, last: Option<&str>, what: &str) {
        if s.len() > self.limits.max_string_len {
            let message = format!(
                "{what} is {} bytes long, more than max_string_len ({})",
                s.len(),
                self.limits.max_string_len
            );
            self.limit(last, message);
        }
    }

    /// Puts `token` in front of the pointers of the violations from `mark`
    /// on, which were found inside the value at `token`.
    fn prefix(&mut self, mark: usize, token: &str) {
        if let Some(found) = self.out.get_mut(mark..) {
            let mut escaped = String::new();
            for violation in found {
                if escaped.is_empty() {
                    push_token(&mut escaped, token);
                }
                violation.pointer.insert_str(0, &escaped);
            }
        }
    }
}

/// A key, borrowed from the input when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s))
    }
}

/// Reads the outermost value: the event object into its [`Fields`], any
/// other value (or any value at all, without fields) as [`Node`] does at
/// depth 1.
struct Top<'r, 'a, 'de> {
    reader: &'r mut Reader<'a>,
    fields: Option<&'r mut Fields<'de>>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_, 'de> {
    type Value = Tree<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Tree<'de>, D::Error> {
        let Some(fields) = self.fields else {
            let mut value = Json::Null;
            let node = Node {
                reader: self.reader,
                depth: 1,
                slot: &mut value,
            };
            node.deserialize(deserializer)?;
            return Ok(Tree::Other(value));
        };
        deserializer.deserialize_any(EventObject {
            reader: self.reader,
            fields,
        })
    }
}

/// Reads the outermost value into [`Fields`] when it is an object.
struct EventObject<'r, 'a, 'de> {
    reader: &'r mut Reader<'a>,
    fields: &'r mut Fields<'de>,
}

impl<'a, 'de> EventObject<'_, 'a, 'de> {
    /// A value that is not an object, read as [`Node`] reads it at depth 1.
    fn other<E>(
        self,
        read: impl FnOnce(Node<'_, 'a, '_, 'de>) -> Result<(), E>,
    ) -> Result<Tree<'de>, E> {
        let mut value = Json::Null;
        read(Node {
            reader: self.reader,
            depth: 1,
            slot: &mut value,
        })?;
        Ok(Tree::Other(value))
    }
}

impl<'de> Visitor<'de> for EventObject<'_, '_, 'de> {
    type Value = Tree<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_i64(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_u64(n))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_f64(n))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_borrowed_str(s))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_str(s))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_string(s))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Tree<'de>, E> {
        self.other(|node| node.visit_unit())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Tree<'de>, A::Error> {
        self.other(|node| node.visit_seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree<'de>, A::Error> {
        let (reader, fields) = (self.reader, self.fields);
        if reader.too_deep(1) {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Tree::Other(Json::Null));
        }
        let mut keys = 0;
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(Key)? {
            if keys == reader.limits.max_keys_per_object {
                reader.too_many_keys();
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                break;
            }
            reader.check_string(&key, Some(&key), "the key");
            let known = TOP_LEVEL_FIELDS.iter().position(|name| *name == key);
            let taken = match known {
                Some(index) => fields.known[index].is_some(),
                None => seen.has(&fields.unknown, &key),
            };
            if taken {
                reader.duplicate(&key);
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            keys += 1;
            // The value is read in its place in `fields`.
            let (key, slot) = match known {
                Some(index) => (key, fields.known[index].insert(Json::Null)),
                None => {
                    fields.unknown.push((key, Json::Null));
                    match fields.unknown.last_mut() {
                        Some((key, slot)) => (Cow::Borrowed(&**key), slot),
                        None => continue,
                    }
                }
            };
            let mark = reader.out.len();
            map.next_value_seed(Node {
                reader: &mut *reader,
                depth: 2,
                slot,
            })?;
            if reader.out.len() > mark {
                reader.prefix(mark, &key);
            }
        }
        Ok(Tree::Event)
    }
}

/// Room made for an object's keys before it is read: the objects of log
/// events mostly have a handful of keys, and one that holds them from the
/// start is never grown while read.
pub(super) const OBJECT_KEYS: usize = 7;

/// Reads one value at `depth` (the event object is at depth 1) into `slot`,
/// where the caller keeps it: in its place in the object or array being
/// read, so that a value is never moved once read.
struct Node<'r, 'a, 's, 'de> {
    reader: &'r mut Reader<'a>,
    depth: usize,
    slot: &'s mut Json<'de>,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_, '_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        *self.slot = Json::Bool(b);
        Ok(())
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        *self.slot = Json::Number(n.into());
        Ok(())
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        *self.slot = Json::Number(n.into());
        Ok(())
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<(), E> {
        // serde_json reads only finite numbers; anything else is its error.
        let n = Number::from_f64(n).ok_or_else(|| E::custom("number out of range"))?;
        *self.slot = Json::Number(n);
        Ok(())
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<(), E> {
        self.reader.check_string(s, None, "the string");
        *self.slot = Json::String(Cow::Borrowed(s));
        Ok(())
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        self.reader.check_string(s, None, "the string");
        *self.slot = Json::String(Cow::Owned(s.to_owned()));
        Ok(())
    }

    fn visit_string<E>(self, s: String) -> Result<(), E> {
        self.reader.check_string(&s, None, "the string");
        *self.slot = Json::String(Cow::Owned(s));
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        *self.slot = Json::Null;
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let reader = self.reader;
        if reader.too_deep(self.depth) {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let mut items = Vec::new();
        loop {
            let index = items.len();
            if index == reader.limits.max_array_len {
                // Only an element past the limit is a violation.
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    let message = format!(
                        "the array has more than max_array_len ({}) elements",
                        reader.limits.max_array_len
                    );
                    reader.limit(None, message);
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                }
                break;
            }
            items.push(Json::Null);
            let Some(slot) = items.last_mut() else { break };
            let mark = reader.out.len();
            let read = seq.next_element_seed(Node {
                reader: &mut *reader,
                depth: self.depth + 1,
                slot,
            })?;
            if reader.out.len() > mark {
                reader.prefix(mark, &index.to_string());
            }
            if read.is_none() {
                items.pop();
                break;
            }
        }
        *self.slot = Json::Array(items);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let reader = self.reader;
        if reader.too_deep(self.depth) {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let mut object = Object::with_capacity(OBJECT_KEYS);
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(Key)? {
            if object.len() == reader.limits.max_keys_per_object {
                reader.too_many_keys();
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                break;
            }
            reader.check_string(&key, Some(&key), "the key");
            if seen.has(&object, &key) {
                reader.duplicate(&key);
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            object.push((key, Json::Null));
            let Some((key, slot)) = object.last_mut() else {
                break;
            };
            let mark = reader.out.len();
            map.next_value_seed(Node {
                reader: &mut *reader,
                depth: self.depth + 1,
                slot,
            })?;
            if reader.out.len() > mark {
                reader.prefix(mark, key);
            }
        }
        *self.slot = Json::Object(object);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pointers and codes that reading `input` within `limits` reports.
    fn found(input: &str, limits: Limits) -> Vec<(String, Code)> {
        let mut out = Vec::new();
        read(input.as_bytes(), &limits, &mut out, &mut Fields::default());
        out.into_iter().map(|v| (v.pointer, v.code)).collect()
    }

    fn at(pointer: &str, code: Code) -> (String, Code) {
        (pointer.to_owned(), code)
    }

    #[test]
    fn duplicate_keys_are_found_at_every_depth() {
        let limits = Limits::default();
        assert_eq!(
            found(r#"{"a":1,"a":2}"#, limits),
            [at("/a", Code::DuplicateKey)]
        );
        assert_eq!(
            found(r#"{"x":[{"b":1},{"b":1,"b":2}]}"#, limits),
            [at("/x/1/b", Code::DuplicateKey)]
        );
        // Keys that only look alike are not duplicates.
        assert_eq!(found(r#"{"a":1,"A":2,"a ":3}"#, limits), []);
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let input = br#"{"timestamp":"2025-12-26T00:00:00Z","level":"I\u004eFO","level":"x"}"#;
        let mut out = Vec::new();
        let mut fields = Fields::default();
        read(input, &Limits::default(), &mut out, &mut fields);
        let [timestamp, level, ..] = &fields.known;
        assert!(matches!(
            timestamp,
            Some(Json::String(Cow::Borrowed("2025-12-26T00:00:00Z")))
        ));
        assert!(matches!(level, Some(Json::String(Cow::Owned(text))) if text == "INFO"));
        let found: Vec<_> = out.into_iter().map(|v| (v.pointer, v.code)).collect();
        assert_eq!(found, [at("/level", Code::DuplicateKey)]);
    }

    #[test]
    fn duplicate_keys_are_found_in_objects_of_any_size() {
        let limits = Limits::default();
        for keys in [2, 15, 16, 17, 40, 256] {
            for (first, again) in [
                (0, keys - 1),
                (keys / 2 - 1, keys - 1),
                (keys - 2, keys - 1),
            ] {
                let mut names: Vec<String> = (0..keys).map(|i| format!("k{i}")).collect();
                names[again] = names[first].clone();
                let entries: Vec<String> = names.iter().map(|k| format!("\"{k}\":1")).collect();
                let inner = format!("{{{}}}", entries.join(","));
                let expected = format!("/extra_data/k{first}");
                assert_eq!(
                    found(&format!(r#"{{"extra_data":{inner}}}"#), limits),
                    [at(&expected, Code::DuplicateKey)],
                    "{keys} keys, k{first} again at {again}"
                );
                // The event object itself, whose unknown keys are kept apart.
                assert_eq!(
                    found(&inner, limits),
                    [at(&format!("/k{first}"), Code::DuplicateKey)],
                    "{keys} keys at the top"
                );
            }
        }
    }

    #[test]
    fn pointers_escape_slash_and_tilde() {
        assert_eq!(
            found(r#"{"a/b":{"~":1,"~":2}}"#, Limits::default()),
            [at("/a~1b/~0", Code::DuplicateKey)]
        );
    }

    #[test]
    fn depth_counts_the_event_object_as_one() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert_eq!(found(r#"{"a":{"b":[]}}"#, limits), []);
        assert_eq!(
            found(r#"{"a":{"b":[[]]}}"#, limits),
            [at("/a/b/0", Code::LimitExceeded)]
        );
    }

    #[test]
    fn nesting_far_past_every_bound_is_one_violation() {
        // Deeper than serde_json's own 128 levels and than any stack would
        // like: what lies past max_depth is skipped, not built.
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        let limits = Limits {
            max_event_bytes: 1 << 20,
            ..Limits::default()
        };
        assert_eq!(found(&deep, limits).len(), 1);
    }

    #[test]
    fn counts_stop_at_their_limits() {
        let limits = Limits {
            max_keys_per_object: 2,
            max_array_len: 2,
            max_string_len: 3,
            ..Limits::default()
        };
        assert_eq!(
            found(r#"{"a":[1,2,3],"b":"abcd","c":1}"#, limits),
            [
                at("/a", Code::LimitExceeded),
                at("/b", Code::LimitExceeded),
                at("", Code::LimitExceeded)
            ]
        );
        // The limits are inclusive.
        assert_eq!(found(r#"{"a":[1,2],"b":"abc"}"#, limits), []);
    }

    #[test]
    fn text_that_is_not_json_says_where() {
        let limits = Limits::default();
        let cases = [
            ("", Code::NotJson, "the JSON ends too early"),
            (
                "{\"a\":NaN}",
                Code::NotJson,
                "NaN is not a JSON number (column 6)",
            ),
            ("[Infinity]", Code::NotJson, "Infinity is not a JSON number"),
            (
                "{} {}",
                Code::TrailingGarbage,
                "something follows the event (column 4)",
            ),
            ("{\"a\":\"\\ud800\"}", Code::NotJson, "not JSON"),
            ("{\"a\":1e999}", Code::NotJson, "number out of range"),
        ];
        for (input, code, message) in cases {
            let mut out = Vec::new();
            read(input.as_bytes(), &limits, &mut out, &mut Fields::default());
            assert_eq!(out.len(), 1, "{input}: {out:?}");
            assert_eq!(out[0].code, code, "{input}");
            assert!(
                out[0].message.contains(message),
                "{input}: {}",
                out[0].message
            );
        }
        let mut out = Vec::new();
        let bad = b"{\"a\":\"\xc3\x28\"}";
        assert!(read(bad, &limits, &mut out, &mut Fields::default()).is_none());
        assert_eq!(out[0].code, Code::NotUtf8);
        assert_eq!(out[0].message, "not valid UTF-8: invalid byte at column 7");
    }
}
