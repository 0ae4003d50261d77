//! Reading untrusted text into a bounded JSON tree.
//!
//! serde_json alone would take duplicate keys silently (the last wins) and
//! nest up to 128 levels. Here a `DeserializeSeed` drives serde_json's
//! tokenizer and builds the tree itself: it records every duplicate key,
//! over-long string, over-full object or array and over-deep container with
//! its JSON Pointer, and skips what lies past a limit without building it.
//! serde_json's tokenizer is linear and bounded to 128 levels, and the tree is
//! built to at most `max_depth` levels, so the work is linear in the input and
//! the stack stays shallow.

use std::fmt;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{Code, Limits, Violation, push_token};

/// Reads `input` into a JSON tree, appending a violation for every problem.
/// `None` when the input is not JSON at all (or too large to read).
pub(super) fn read(input: &[u8], limits: &Limits, out: &mut Vec<Violation>) -> Option<Value> {
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
    let mut reader = Reader {
        limits,
        path: Vec::new(),
        out,
        depth_exceeded: false,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let tree = match (Node {
        reader: &mut reader,
        depth: 1,
    })
    .deserialize(&mut deserializer)
    {
        Ok(tree) => tree,
        Err(error) => {
            // serde_json stops at 128 levels, also in what is skipped (past a
            // limit, or a duplicate key's value): that is the depth limit.
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
                "something follows the event (column {})",
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

/// One step of the path from the root to the value being read.
enum Step {
    Key(String),
    Index(usize),
}

/// The state shared by every level of one read.
struct Reader<'a> {
    limits: &'a Limits,
    path: Vec<Step>,
    out: &'a mut Vec<Violation>,
    depth_exceeded: bool,
}

impl Reader<'_> {
    /// The JSON Pointer of the value being read, with `last` appended.
    fn pointer(&self, last: Option<&str>) -> String {
        let mut pointer = String::new();
        for step in &self.path {
            match step {
                Step::Key(key) => push_token(&mut pointer, key),
                Step::Index(index) => push_token(&mut pointer, &index.to_string()),
            }
        }
        if let Some(last) = last {
            push_token(&mut pointer, last);
        }
        pointer
    }

    fn limit(&mut self, last: Option<&str>, message: String) {
        let pointer = self.pointer(last);
        self.out
            .push(Violation::new(pointer, Code::LimitExceeded, message));
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
}

/// Reads one value at `depth` (the event object is at depth 1).
struct Node<'r, 'a> {
    reader: &'r mut Reader<'a>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Value, E> {
        // serde_json reads only finite numbers; anything else is its error.
        Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        self.reader.check_string(s, None, "the string");
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        self.reader.check_string(&s, None, "the string");
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let reader = self.reader;
        if self.depth > reader.limits.max_depth {
            reader.depth_exceeded = true;
            let message = format!(
                "nesting is deeper than max_depth ({})",
                reader.limits.max_depth
            );
            reader.limit(None, message);
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut items = Vec::new();
        loop {
            let index = items.len();
            if index == reader.limits.max_array_len {
                let message = format!(
                    "the array has more than max_array_len ({}) elements",
                    reader.limits.max_array_len
                );
                reader.limit(None, message);
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                break;
            }
            reader.path.push(Step::Index(index));
            let item = seq.next_element_seed(Node {
                reader: &mut *reader,
                depth: self.depth + 1,
            });
            reader.path.pop();
            match item? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let reader = self.reader;
        if self.depth > reader.limits.max_depth {
            reader.depth_exceeded = true;
            let message = format!(
                "nesting is deeper than max_depth ({})",
                reader.limits.max_depth
            );
            reader.limit(None, message);
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.len() == reader.limits.max_keys_per_object {
                let message = format!(
                    "the object has more than max_keys_per_object ({}) keys",
                    reader.limits.max_keys_per_object
                );
                reader.limit(None, message);
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                break;
            }
            reader.check_string(&key, Some(&key), "the key");
            if object.contains_key(&key) {
                let pointer = reader.pointer(Some(&key));
                reader.out.push(Violation::new(
                    pointer,
                    Code::DuplicateKey,
                    format!("the key {key:?} appears more than once in the object"),
                ));
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            reader.path.push(Step::Key(key));
            let value = map.next_value_seed(Node {
                reader: &mut *reader,
                depth: self.depth + 1,
            });
            let Some(Step::Key(key)) = reader.path.pop() else {
                return Err(A::Error::custom("internal error: the path lost its key"));
            };
            object.insert(key, value?);
        }
        Ok(Value::Object(object))
    }
}
