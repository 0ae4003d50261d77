//! Unit-only enums read from their names.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, Error};

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
