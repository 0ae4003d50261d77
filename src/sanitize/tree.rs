//! The two trees the sanitizer walks, behind one trait: serde_json's
//! `Value` (an event's `extra_data` once built, any JSON value) and the
//! validator's `Json` (an event's `extra_data` still borrowed from its
//! text). One traversal serves both, so that they are redacted and reported
//! alike; the walk over `Json` builds nothing that it does not redact.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use crate::validate::json::{Json, Object};

/// What a value is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Null,
    Scalar,
    Number,
    String,
    Array,
    Object,
}

/// A JSON value the sanitizer can walk and change in place.
pub(super) trait Tree: Sized {
    type Text: Text;
    type Object: Entries<Self>;
    fn kind(&self) -> Kind;
    fn number(&self) -> Option<&Number>;
    fn text(&mut self) -> Option<&mut Self::Text>;
    fn items(&mut self) -> Option<&mut [Self]>;
    fn object(&mut self) -> Option<&mut Self::Object>;
    /// The entries or items of a container; 0 for anything else.
    fn children(&self) -> usize;
    /// Replaces the value whole with the string `text`, dropping what it
    /// held without recursion.
    fn replace(&mut self, text: &str);
}

/// A string in a tree.
pub(super) trait Text {
    fn get(&self) -> &str;
    /// Replaces the text, in its own allocation when it has one.
    fn set(&mut self, text: &str);
}

/// An object's entries, in their order, each key once.
pub(super) trait Entries<T> {
    fn len(&self) -> usize;
    fn keys(&self) -> impl Iterator<Item = &str>;
    fn contains_key(&self, key: &str) -> bool;
    fn entries<'e>(
        &'e mut self,
    ) -> impl DoubleEndedIterator<Item = (&'e str, &'e mut T)> + ExactSizeIterator
    where
        T: 'e;
    /// Gives the entries at these positions (ascending) new keys, which no
    /// other entry has, keeping every entry where it is.
    fn rename(&mut self, renamed: Vec<(usize, String)>);
    /// Drops every entry, without recursion.
    fn clear(&mut self);
}

impl Text for String {
    fn get(&self) -> &str {
        self
    }

    fn set(&mut self, text: &str) {
        self.clear();
        self.push_str(text);
    }
}

impl Text for Cow<'_, str> {
    fn get(&self) -> &str {
        self
    }

    fn set(&mut self, text: &str) {
        match self {
            Cow::Owned(owned) => owned.set(text),
            Cow::Borrowed(_) => *self = Cow::Owned(text.to_owned()),
        }
    }
}

impl Tree for Value {
    type Text = String;
    type Object = Map<String, Value>;

    fn kind(&self) -> Kind {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Scalar,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    fn number(&self) -> Option<&Number> {
        self.as_number()
    }

    fn text(&mut self) -> Option<&mut String> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    fn items(&mut self) -> Option<&mut [Value]> {
        self.as_array_mut().map(Vec::as_mut_slice)
    }

    fn object(&mut self) -> Option<&mut Map<String, Value>> {
        self.as_object_mut()
    }

    fn children(&self) -> usize {
        match self {
            Value::Array(items) => items.len(),
            Value::Object(map) => map.len(),
            _ => 0,
        }
    }

    fn replace(&mut self, text: &str) {
        drop_flat(std::mem::replace(self, Value::String(text.to_owned())));
    }
}

impl Entries<Value> for Map<String, Value> {
    fn len(&self) -> usize {
        Map::len(self)
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        Map::keys(self).map(String::as_str)
    }

    fn contains_key(&self, key: &str) -> bool {
        Map::contains_key(self, key)
    }

    fn entries<'e>(
        &'e mut self,
    ) -> impl DoubleEndedIterator<Item = (&'e str, &'e mut Value)> + ExactSizeIterator
    where
        Value: 'e,
    {
        self.iter_mut().map(|(key, value)| (key.as_str(), value))
    }

    fn rename(&mut self, renamed: Vec<(usize, String)>) {
        let old = std::mem::take(self);
        let mut renamed = renamed.into_iter().peekable();
        for (i, (key, value)) in old.into_iter().enumerate() {
            let key = match renamed.next_if(|(j, _)| *j == i) {
                Some((_, name)) => name,
                None => key,
            };
            self.insert(key, value);
        }
    }

    fn clear(&mut self) {
        for (_, value) in std::mem::take(self) {
            drop_flat(value);
        }
    }
}

impl<'a> Tree for Json<'a> {
    type Text = Cow<'a, str>;
    type Object = Object<'a>;

    fn kind(&self) -> Kind {
        match self {
            Json::Null => Kind::Null,
            Json::Bool(_) => Kind::Scalar,
            Json::Number(_) => Kind::Number,
            Json::String(_) => Kind::String,
            Json::Array(_) => Kind::Array,
            Json::Object(_) => Kind::Object,
        }
    }

    fn number(&self) -> Option<&Number> {
        match self {
            Json::Number(n) => Some(n),
            _ => None,
        }
    }

    fn text(&mut self) -> Option<&mut Cow<'a, str>> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    fn items(&mut self) -> Option<&mut [Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    fn object(&mut self) -> Option<&mut Object<'a>> {
        match self {
            Json::Object(object) => Some(object),
            _ => None,
        }
    }

    fn children(&self) -> usize {
        match self {
            Json::Array(items) => items.len(),
            Json::Object(object) => object.len(),
            _ => 0,
        }
    }

    /// The validator's tree is as deep as its limits allow at most, so
    /// dropping it recursively is safe.
    fn replace(&mut self, text: &str) {
        *self = Json::String(Cow::Owned(text.to_owned()));
    }
}

impl<'a> Entries<Json<'a>> for Object<'a> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(key, _)| &**key)
    }

    fn contains_key(&self, key: &str) -> bool {
        self.iter().any(|(k, _)| k == key)
    }

    fn entries<'e>(
        &'e mut self,
    ) -> impl DoubleEndedIterator<Item = (&'e str, &'e mut Json<'a>)> + ExactSizeIterator
    where
        Json<'a>: 'e,
    {
        self.iter_mut().map(|(key, value)| (&**key, value))
    }

    fn rename(&mut self, renamed: Vec<(usize, String)>) {
        for (i, name) in renamed {
            self[i].0 = Cow::Owned(name);
        }
    }

    fn clear(&mut self) {
        Vec::clear(self);
    }
}

/// Drops a value without recursion: serde_json's own drop recurses once per
/// level, which a value built deeper than any parser allows would overflow.
pub(super) fn drop_flat(value: Value) {
    if !(value.is_array() || value.is_object()) {
        return;
    }
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}
