//! The validator's own JSON tree, borrowed from the input.
//!
//! A `serde_json::Value` owns every key and string and hashes every key into
//! an `IndexMap`: building one and dropping it is most of the cost of
//! checking an event. [`Json`] borrows strings without escapes from the
//! input and keeps an object's entries in a `Vec`, in the order they came, so
//! that a usual payload costs one allocation. The rules check this tree; what
//! the caller keeps of it becomes a `Value` only then ([`Json::into_value`]).

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

/// A JSON value read from text that outlives it.
#[derive(Debug)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// An object's entries, in the order they came, each key once.
pub(crate) type Object<'a> = Vec<(Cow<'a, str>, Json<'a>)>;

impl<'a> Json<'a> {
    /// The `Value` this tree stands for.
    pub fn into_value(self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(n),
            Json::String(s) => Value::String(s.into_owned()),
            Json::Array(items) => Value::Array(items.into_iter().map(Json::into_value).collect()),
            Json::Object(object) => Value::Object(into_map(object)),
        }
    }

    /// The tree of a `Value`, borrowing its strings.
    pub fn borrow(value: &'a Value) -> Json<'a> {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(items.iter().map(Json::borrow).collect()),
            Value::Object(object) => Json::Object(borrow_map(object)),
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

/// The map of an object's entries, in their order.
pub(crate) fn into_map(object: Object<'_>) -> Map<String, Value> {
    let mut map = Map::with_capacity(object.len());
    for (key, value) in object {
        map.insert(key.into_owned(), value.into_value());
    }
    map
}

/// The entries of a map, borrowed.
pub(crate) fn borrow_map(map: &Map<String, Value>) -> Object<'_> {
    map.iter()
        .map(|(key, value)| (Cow::Borrowed(key.as_str()), Json::borrow(value)))
        .collect()
}

/// The value at `key`.
pub(crate) fn get<'o, 'a>(object: &'o Object<'a>, key: &str) -> Option<&'o Json<'a>> {
    object
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, value)| value)
}

/// Up to this many keys, an object being read is searched for a key it
/// already has; past it, the keys are also kept in a hash table, so that the
/// search stays linear in the object's size.
const SEARCHED_KEYS: usize = 16;

/// The keys an object being read already has, for finding a duplicate.
#[derive(Default)]
pub(crate) struct Seen {
    /// Past [`SEARCHED_KEYS`], the keys, with no values: serde_json's own
    /// map, whose code the npm package has already, rather than a second
    /// hash table's.
    hashed: Option<Map<String, Value>>,
}

impl Seen {
    /// Whether `key` is among `object`'s keys, which must be those this set
    /// was told of; when it is not, it will be once the caller pushes it.
    pub fn has(&mut self, object: &Object<'_>, key: &str) -> bool {
        if let Some(hashed) = &mut self.hashed {
            return hashed.insert(key.to_owned(), Value::Null).is_some();
        }
        if object.len() < SEARCHED_KEYS {
            return object.iter().any(|(k, _)| k == key);
        }
        let mut hashed: Map<String, Value> = object
            .iter()
            .map(|(k, _)| (k.to_string(), Value::Null))
            .collect();
        let had = hashed.insert(key.to_owned(), Value::Null).is_some();
        self.hashed = Some(hashed);
        had
    }
}
