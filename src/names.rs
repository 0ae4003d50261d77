//! serde data read by name: the fields of an object by their keys, and
//! unit-only enums by their names, each without the reader that serde's
//! derive makes for every type, whose copies weigh on the npm package.

use std::borrow::Cow;
use std::fmt::Display;

use serde::de::{Deserialize, DeserializeOwned, Deserializer, Error};
use serde_json::Value;

use crate::event::ExtraData;

/// An object's fields, taken out of it by key. What is left, in its order,
/// is the `extra_data` of the payloads that merge it in (serde's
/// `flatten`); the other payloads ignore it, and a configuration refuses it
/// ([`Fields::none_other`], serde's `deny_unknown_fields`). Errors are
/// serde's, a wrong value's named by its key.
pub(crate) struct Fields {
    /// The keys not taken yet.
    pub(crate) object: ExtraData,
}

impl Fields {
    /// The object that `deserializer` holds.
    pub(crate) fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        ExtraData::deserialize(deserializer).map(|object| Fields { object })
    }

    /// A field that must be there.
    pub(crate) fn required<T: DeserializeOwned, E: Error>(
        &mut self,
        key: &'static str,
    ) -> Result<T, E> {
        match self.object.shift_remove(key) {
            Some(value) => typed(key, value),
            None => Err(E::missing_field(key)),
        }
    }

    /// A field that may be absent or `null`.
    pub(crate) fn optional<T: DeserializeOwned, E: Error>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, E> {
        match self.object.shift_remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => typed(key, value).map(Some),
        }
    }

    /// A field that takes its type's default when absent (`#[serde(default)]`).
    pub(crate) fn defaulted<T: DeserializeOwned + Default, E: Error>(
        &mut self,
        key: &'static str,
    ) -> Result<T, E> {
        self.or(key, T::default())
    }

    /// A field that takes `default` when absent.
    pub(crate) fn or<T: DeserializeOwned, E: Error>(
        &mut self,
        key: &'static str,
        default: T,
    ) -> Result<T, E> {
        match self.object.shift_remove(key) {
            None => Ok(default),
            Some(value) => typed(key, value),
        }
    }

    /// Refuses a key left over, naming the `known` ones.
    pub(crate) fn none_other<E: Error>(&self, known: &'static [&'static str]) -> Result<(), E> {
        match self.object.keys().next() {
            Some(key) => Err(E::unknown_field(key, known)),
            None => Ok(()),
        }
    }
}

/// The value of the field `key` as a `T`; an error names the field.
fn typed<T: DeserializeOwned, E: Error>(key: &str, value: Value) -> Result<T, E> {
    T::deserialize(value).map_err(|error| field_error(key, &error))
}

fn field_error<E: Error>(key: &str, error: &dyn Display) -> E {
    E::custom(format_args!("{key}: {error}"))
}

/// Reads the name of one of `variants`, `names` holding each one's name as
/// serde writes it: what serde's derive reads for a unit-only enum, with the
/// same `unknown variant` error, without the derive's reader of the
/// `{"name": null}` form, which no configuration uses.
pub(crate) fn by_name<'de, D: Deserializer<'de>, T: Copy>(
    deserializer: D,
    variants: &[T],
    names: &'static [&'static str],
) -> Result<T, D::Error> {
    let name = <Cow<'de, str>>::deserialize(deserializer)?;
    names
        .iter()
        .position(|n| *n == name)
        .and_then(|i| variants.get(i).copied())
        .ok_or_else(|| D::Error::unknown_variant(&name, names))
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use crate::{CardDisplay, Format, Mode, Severity};

    fn reads_back<T: Serialize + DeserializeOwned + PartialEq + Debug>(variants: &[T]) {
        for variant in variants {
            let name = serde_json::to_value(variant).unwrap();
            assert!(name.is_string(), "{variant:?}");
            assert_eq!(&serde_json::from_value::<T>(name).unwrap(), variant);
        }
    }

    #[test]
    fn every_variant_reads_back_from_its_serde_name() {
        reads_back(&[Mode::Strict, Mode::Lenient]);
        reads_back(&[CardDisplay::Redacted, CardDisplay::Last4]);
        reads_back(&Format::ALL);
        reads_back(&Severity::ALL);
    }

    #[test]
    fn another_name_is_an_unknown_variant() {
        let error = serde_json::from_str::<CardDisplay>(r#""first6""#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown variant `first6`, expected `redacted` or `last4`"
        );
        let error = serde_json::from_str::<Format>(r#""xml""#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown variant `xml`, expected one of `simple`, `verbose`, `json`"
        );
        assert!(serde_json::from_str::<Mode>("1").is_err());
    }
}
