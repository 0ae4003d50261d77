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
    /// The keys asked for, in order: the known ones.
    asked: Vec<&'static str>,
}

impl Fields {
    /// The object that `deserializer` holds.
    pub(crate) fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        ExtraData::deserialize(deserializer).map(|object| Fields {
            object,
            asked: Vec::new(),
        })
    }

    /// A field that must be there.
    pub(crate) fn required<T: DeserializeOwned, E: Error>(
        &mut self,
        key: &'static str,
    ) -> Result<T, E> {
        match self.take(key) {
            Some(value) => typed(key, value),
            None => Err(E::missing_field(key)),
        }
    }

    /// A field that may be absent or `null`.
    pub(crate) fn optional<T: DeserializeOwned, E: Error>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, E> {
        match self.take(key) {
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
        match self.take(key) {
            None => Ok(default),
            Some(value) => typed(key, value),
        }
    }

    /// Takes `key` out of the object, and counts it as a known key.
    fn take(&mut self, key: &'static str) -> Option<Value> {
        self.asked.push(key);
        self.object.shift_remove(key)
    }

    /// Refuses a key left over, naming the known ones (those asked for) in
    /// serde's words for `deny_unknown_fields`.
    pub(crate) fn none_other<E: Error>(&self) -> Result<(), E> {
        let Some(key) = self.object.keys().next() else {
            return Ok(());
        };
        if self.asked.is_empty() {
            return Err(E::custom(format_args!(
                "unknown field `{key}`, there are no fields"
            )));
        }
        let two = self.asked.len() == 2;
        let mut expected = String::from(if self.asked.len() > 2 { "one of " } else { "" });
        for (i, known) in self.asked.iter().enumerate() {
            if i > 0 {
                expected.push_str(if two { " or " } else { ", " });
            }
            expected.push('`');
            expected.push_str(known);
            expected.push('`');
        }
        Err(E::custom(format_args!(
            "unknown field `{key}`, expected {expected}"
        )))
    }
}

/// The value of the field `key` as a `T`; an error names the field.
fn typed<T: DeserializeOwned, E: Error>(key: &str, value: Value) -> Result<T, E> {
    T::deserialize(value).map_err(|error| field_error(key, &error))
}

fn field_error<E: Error>(key: &str, error: &dyn Display) -> E {
    E::custom(format_args!("{key}: {error}"))
}

/// `Deserialize` for configuration types that wasm reads by key
/// (`read_by_key`, with [`Fields`]: errors name the key) and other builds
/// read with serde's derive, whose errors point into the TOML or JSON file.
macro_rules! deserialize_by_key_in_wasm {
    ($($config:ty),+) => {$(
        #[cfg(target_arch = "wasm32")]
        impl<'de> serde::Deserialize<'de> for $config {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$config>::read_by_key(deserializer)
            }
        }
    )+};
}
pub(crate) use deserialize_by_key_in_wasm;

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

    use crate::sanitize::Limits as SanitizerLimits;
    use crate::validate::Limits;
    use crate::{CardDisplay, Format, Mode, SanitizerConfig, Severity, ValidatorConfig};

    fn reads_back<T: Serialize + DeserializeOwned + PartialEq + Debug>(variants: &[T]) {
        for variant in variants {
            let name = serde_json::to_value(variant).unwrap();
            assert!(name.is_string(), "{variant:?}");
            assert_eq!(&serde_json::from_value::<T>(name).unwrap(), variant);
        }
    }

    #[test]
    fn an_unknown_key_is_refused_in_serde_words() {
        let lists: [&'static [&'static str]; 4] = [&[], &["a"], &["a", "b"], &["a", "b", "c"]];
        for known in lists {
            let object = serde_json::json!({"z": 0, "a": 1, "b": 2, "c": 3});
            let mut fields = super::Fields::read(object).unwrap();
            for key in known {
                fields.take(key);
            }
            let ours: serde_json::Error = fields.none_other().unwrap_err();
            let serde: serde_json::Error = serde::de::Error::unknown_field("z", known);
            assert_eq!(ours.to_string(), serde.to_string());
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

    /// A configuration read by key and by serde's derive: the same
    /// configuration, or both an error; the error read by key.
    fn both<T: DeserializeOwned + PartialEq + Debug>(
        text: &str,
        by_key: fn(
            &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
        ) -> serde_json::Result<T>,
    ) -> Result<T, String> {
        let derived = serde_json::from_str::<T>(text);
        let read = by_key(&mut serde_json::Deserializer::from_str(text));
        match (read, derived) {
            (Ok(read), Ok(derived)) => {
                assert_eq!(read, derived, "{text}");
                Ok(read)
            }
            (Err(read), Err(_)) => Err(read.to_string()),
            (read, derived) => panic!("{text}: {read:?} by key, {derived:?} derived"),
        }
    }

    #[test]
    fn configurations_read_by_key_as_by_the_derive() {
        let validator = |text| both(text, |d| ValidatorConfig::read_by_key(d));
        let sanitizer = |text| both(text, |d| SanitizerConfig::read_by_key(d));
        assert_eq!(validator("{}"), Ok(ValidatorConfig::default()));
        assert_eq!(sanitizer("{}"), Ok(SanitizerConfig::default()));
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert_eq!(
            validator(r#"{"limits":{"max_depth":3},"mode":"lenient"}"#),
            Ok(ValidatorConfig {
                limits,
                mode: Mode::Lenient
            })
        );
        let config = sanitizer(
            r#"{"extra_keys":["pin"],"replacement":"*","card_display":"last4","mask_emails":true,"disabled_rules":["iban"],"limits":{"max_nodes":9}}"#,
        )
        .unwrap();
        assert_eq!(
            (
                config.extra_keys,
                config.card_display,
                config.limits.max_nodes
            ),
            (vec!["pin".to_owned()], CardDisplay::Last4, 9)
        );
        assert_eq!(
            sanitizer(r#"{"mask_emails":"yes"}"#),
            Err(r#"mask_emails: invalid type: string "yes", expected a boolean"#.to_owned())
        );
        assert_eq!(
            validator(r#"{"mode":"strict","modes":1}"#),
            Err("unknown field `modes`, expected `mode` or `limits`".to_owned())
        );
        assert!(validator(r#"{"limits":{"max_deep":3}}"#).is_err());
        assert!(sanitizer(r#"{"limits":null}"#).is_err());
        let limits = |text| both(text, |d| Limits::read_by_key(d));
        let sanitizer_limits = |text| both(text, |d| SanitizerLimits::read_by_key(d));
        assert_eq!(
            limits(r#"{"max_array_len":2}"#).map(|l| l.max_array_len),
            Ok(2)
        );
        assert_eq!(
            sanitizer_limits(r#"{"max_depth":2}"#).map(|l| l.max_depth),
            Ok(2)
        );
        assert!(limits(r#"{"max_array_len":-2}"#).is_err());
        assert!(sanitizer_limits(r#"{"depth":2}"#).is_err());
        // A configuration is an object; the derive also takes an array of
        // the fields in order, which no configuration is written as.
        let array = &mut serde_json::Deserializer::from_str("[]");
        assert!(SanitizerConfig::read_by_key(array).is_err());
    }
}
