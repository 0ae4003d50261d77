//! Severity levels, with Python's names and numbers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How severe an event is. The numbers are Python's `logging` levels, so
/// `Level::Warning as u8 == logging.WARNING`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[cfg_attr(
    feature = "schema",
    ts(type = r#""DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL""#)
)]
#[repr(u8)]
pub enum Level {
    /// Detailed diagnostics, development only.
    Debug = 10,
    /// Normal operation.
    Info = 20,
    /// A potential problem.
    Warning = 30,
    /// An operation failed; the application goes on.
    Error = 40,
    /// The application may not function.
    Critical = 50,
}

/// A level name that is neither canonical nor an accepted alias.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown level {0:?}: expected DEBUG, INFO, WARNING, ERROR or CRITICAL (WARN and FATAL are aliases)"
)]
pub struct UnknownLevel(pub String);

impl Level {
    /// Every level, least severe first.
    pub const ALL: [Level; 5] = [
        Level::Debug,
        Level::Info,
        Level::Warning,
        Level::Error,
        Level::Critical,
    ];

    /// The canonical upper-case name, as Python's `levelname`.
    pub const fn name(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
        }
    }

    /// Python's number for the level: 10 to 50.
    pub const fn number(self) -> u8 {
        self as u8
    }

    /// Every name that [`Level::parse`] reads (in any ASCII letter case),
    /// the aliases included.
    pub const NAMES: [(&'static str, Level); 7] = [
        ("DEBUG", Level::Debug),
        ("INFO", Level::Info),
        ("WARNING", Level::Warning),
        ("WARN", Level::Warning),
        ("ERROR", Level::Error),
        ("CRITICAL", Level::Critical),
        ("FATAL", Level::Critical),
    ];

    /// Reads a level name in any letter case, normalising the aliases
    /// `WARN` (to WARNING) and `FATAL` (to CRITICAL), as Python does.
    pub fn parse(name: &str) -> Result<Level, UnknownLevel> {
        Level::NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|&(_, level)| level)
            .ok_or_else(|| UnknownLevel(name.to_owned()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = UnknownLevel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::parse(s)
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Level::parse(&name).map_err(serde::de::Error::custom)
    }
}

/// The level threshold that the environment asks for, as the seed platform
/// reads it: `BARG_LOG_LEVEL` wins over `DJANGO_LOG_LEVEL`; with neither,
/// DEBUG when `DEBUG` is set to a true value (`1`, `true`, `yes`), else INFO.
///
/// The caller passes the lookup, so the core stays free of IO: the binary
/// passes `std::env::var`, tests pass a table.
pub fn threshold_from_env(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Level, ThresholdError> {
    for variable in ["BARG_LOG_LEVEL", "DJANGO_LOG_LEVEL"] {
        if let Some(value) = lookup(variable).filter(|v| !v.trim().is_empty()) {
            return Level::parse(value.trim())
                .map_err(|source| ThresholdError { variable, source });
        }
    }
    Ok(if debug_from_env(&lookup) {
        Level::Debug
    } else {
        Level::Info
    })
}

/// Whether `DEBUG` is set to a true value, the seed's development switch.
pub fn debug_from_env(lookup: impl Fn(&str) -> Option<String>) -> bool {
    lookup("DEBUG").is_some_and(|value| {
        ["1", "true", "yes", "on"]
            .iter()
            .any(|yes| yes.eq_ignore_ascii_case(value.trim()))
    })
}

/// An environment variable that names no level.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("environment variable {variable}: {source}")]
pub struct ThresholdError {
    /// The variable that was read.
    pub variable: &'static str,
    /// What was wrong with its value.
    #[source]
    pub source: UnknownLevel,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_case_normalise() {
        let cases = [
            ("DEBUG", Some(Level::Debug)),
            ("info", Some(Level::Info)),
            ("Warning", Some(Level::Warning)),
            ("warn", Some(Level::Warning)),
            ("WARN", Some(Level::Warning)),
            ("error", Some(Level::Error)),
            ("fatal", Some(Level::Critical)),
            ("CRITICAL", Some(Level::Critical)),
            ("", None),
            ("TRACE", None),
            ("NOTSET", None),
            ("WARNING ", None),
            ("20", None),
        ];
        for (input, expected) in cases {
            assert_eq!(Level::parse(input).ok(), expected, "input {input:?}");
        }
    }

    #[test]
    fn numbers_are_pythons() {
        let numbers: Vec<u8> = Level::ALL.iter().map(|l| l.number()).collect();
        assert_eq!(numbers, [10, 20, 30, 40, 50]);
        assert!(Level::Warning > Level::Info);
    }

    #[test]
    fn threshold_follows_the_seed() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(threshold_from_env(env(&[])), Ok(Level::Info));
        assert_eq!(threshold_from_env(env(&[("DEBUG", "1")])), Ok(Level::Debug));
        assert_eq!(threshold_from_env(env(&[("DEBUG", "0")])), Ok(Level::Info));
        assert_eq!(
            threshold_from_env(env(&[("DJANGO_LOG_LEVEL", "warning"), ("DEBUG", "1")])),
            Ok(Level::Warning)
        );
        assert_eq!(
            threshold_from_env(env(&[
                ("DJANGO_LOG_LEVEL", "warning"),
                ("BARG_LOG_LEVEL", "error")
            ])),
            Ok(Level::Error)
        );
        let err = threshold_from_env(env(&[("BARG_LOG_LEVEL", "loud")])).unwrap_err();
        assert_eq!(err.variable, "BARG_LOG_LEVEL");
        assert!(err.to_string().contains("\"loud\""), "{err}");
    }
}
