//! The sanitizer's configuration: serde data, checked and compiled once.

use serde::{Deserialize, Serialize};

use super::Rule;
use super::keys::{self, BUILTIN_KEYS, KeySet, MAX_ENTRY_LEN};
use super::scan::Scanners;

/// What the sanitizer does, as a user writes it (JSON or TOML).
///
/// Every field has a default, so `{}` is the built-in behaviour. Unknown
/// fields are an error that names them.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[cfg_attr(not(target_arch = "wasm32"), derive(Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SanitizerConfig {
    /// More sensitive keys, in any spelling (`national_id`, `X-Shop-Secret`).
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub extra_keys: Vec<String>,
    /// Keys whose values are kept although a sensitive entry matches them
    /// (`token_count`). Their strings are still scanned by value.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub allowed_keys: Vec<String>,
    /// What a secret is replaced with.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub replacement: String,
    /// How a card number found in text is shown.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub card_display: CardDisplay,
    /// Whether email addresses are masked. Off by default: the audit trail
    /// records `user_email`.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub mask_emails: bool,
    /// Rules to switch off, by their names (`iban`, `secret_parameter`, …).
    #[cfg_attr(
        feature = "schema",
        ts(
            optional = nullable,
            type = "Array<Exclude<RuleName, \"depth_limit\" | \"size_limit\">>"
        )
    )]
    pub disabled_rules: Vec<String>,
    /// Bounds on the work done for one event or value.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub limits: Limits,
}

impl Default for SanitizerConfig {
    fn default() -> Self {
        SanitizerConfig {
            extra_keys: Vec::new(),
            allowed_keys: Vec::new(),
            replacement: "[REDACTED]".to_owned(),
            card_display: CardDisplay::Redacted,
            mask_emails: false,
            disabled_rules: Vec::new(),
            limits: Limits::default(),
        }
    }
}

crate::names::deserialize_by_key_in_wasm!(SanitizerConfig, Limits);

impl SanitizerConfig {
    /// The configuration read by key.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn read_by_key<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let mut fields = crate::names::Fields::read(deserializer)?;
        let seed = SanitizerConfig::default();
        let config = SanitizerConfig {
            extra_keys: fields.or("extra_keys", seed.extra_keys)?,
            allowed_keys: fields.or("allowed_keys", seed.allowed_keys)?,
            replacement: fields.or("replacement", seed.replacement)?,
            card_display: fields.or("card_display", seed.card_display)?,
            mask_emails: fields.or("mask_emails", seed.mask_emails)?,
            disabled_rules: fields.or("disabled_rules", seed.disabled_rules)?,
            limits: fields.or("limits", seed.limits)?,
        };
        fields.none_other()?;
        Ok(config)
    }
}

/// How a card number found in text is shown.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardDisplay {
    /// The replacement, like any other secret.
    #[default]
    Redacted,
    /// The last four digits: `[CARD ****1111]`.
    Last4,
}

impl<'de> Deserialize<'de> for CardDisplay {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::names::by_name(
            deserializer,
            &[CardDisplay::Redacted, CardDisplay::Last4],
            &["redacted", "last4"],
        )
    }
}

/// Bounds on the work done for one event or value. Past a bound, the rest is
/// replaced rather than kept unexamined: a secret never survives because a
/// limit was reached.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(rename = "SanitizerLimits"))]
#[cfg_attr(not(target_arch = "wasm32"), derive(Deserialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Objects and arrays nested deeper than this (counted from `extra_data`,
    /// or from the value given) are replaced whole. Default 64.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_depth: usize,
    /// Values visited per event; values past it are replaced. Default 100 000.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_nodes: usize,
    /// Strings (and keys) longer than this many bytes are replaced whole.
    /// Default 1 MiB.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_nodes: 100_000,
            max_string_bytes: 1 << 20,
        }
    }
}

impl Limits {
    /// The configuration read by key.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn read_by_key<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let mut fields = crate::names::Fields::read(deserializer)?;
        let seed = Limits::default();
        let limits = Limits {
            max_depth: fields.or("max_depth", seed.max_depth)?,
            max_nodes: fields.or("max_nodes", seed.max_nodes)?,
            max_string_bytes: fields.or("max_string_bytes", seed.max_string_bytes)?,
        };
        fields.none_other()?;
        Ok(limits)
    }
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `disabled_rules` names no rule.
    #[error("unknown rule {name:?} in disabled_rules (rules: {known})")]
    UnknownRule {
        /// The name given.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
    /// A key in `extra_keys` or `allowed_keys` cannot be matched.
    #[error("bad key pattern {key:?} in {field}: {reason}")]
    BadKey {
        /// The field it is in.
        field: &'static str,
        /// The key given.
        key: String,
        /// Why it cannot be used.
        reason: &'static str,
    },
    /// The same key is both extra and allowed.
    #[error("key {key:?} is in both extra_keys and allowed_keys")]
    KeyBothWays {
        /// The key given.
        key: String,
    },
    /// The replacement is empty, which would hide that anything was removed.
    #[error("replacement is empty")]
    EmptyReplacement,
    /// A limit is zero.
    #[error("limit {name} must be at least 1")]
    ZeroLimit {
        /// The limit's name.
        name: &'static str,
    },
}

/// The configuration compiled: key sets built, rules resolved.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub sensitive: KeySet,
    pub allowed: KeySet,
    pub replacement: String,
    pub card_display: CardDisplay,
    pub enabled: Rules,
    pub scanners: Scanners,
    pub limits: Limits,
    /// This configuration's number in the per-thread memo of key verdicts.
    #[cfg(feature = "cli")]
    pub memo: u64,
}

/// A set of rules, one bit each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rules(u16);

impl Rules {
    /// Whether the set holds `rule`.
    pub fn contains(self, rule: Rule) -> bool {
        self.0 & Rules::bit(rule) != 0
    }

    fn bit(rule: Rule) -> u16 {
        1 << rule as u16
    }
}

impl FromIterator<Rule> for Rules {
    fn from_iter<I: IntoIterator<Item = Rule>>(rules: I) -> Rules {
        Rules(
            rules
                .into_iter()
                .fold(0, |bits, rule| bits | Rules::bit(rule)),
        )
    }
}

impl SanitizerConfig {
    /// Checks the configuration and compiles it.
    pub(crate) fn compile(&self) -> Result<Compiled, ConfigError> {
        let extra = normalize_all("extra_keys", &self.extra_keys)?;
        let allowed = normalize_all("allowed_keys", &self.allowed_keys)?;
        // A set to look the extra keys up in: searched as a list, that
        // would cost the product of the two lists' lengths.
        let allowed_set = KeySet::new(allowed.iter().cloned());
        if let Some(both) = extra.iter().find(|e| allowed_set.contains(e)) {
            let key = self
                .extra_keys
                .iter()
                .find(|k| keys::normalize(k) == *both)
                .cloned()
                .unwrap_or_else(|| both.clone());
            return Err(ConfigError::KeyBothWays { key });
        }
        if self.replacement.is_empty() {
            return Err(ConfigError::EmptyReplacement);
        }
        for (name, value) in [
            ("max_depth", self.limits.max_depth),
            ("max_nodes", self.limits.max_nodes),
            ("max_string_bytes", self.limits.max_string_bytes),
        ] {
            if value == 0 {
                return Err(ConfigError::ZeroLimit { name });
            }
        }
        let mut disabled = Vec::new();
        for name in &self.disabled_rules {
            let rule = Rule::from_name(name).ok_or_else(|| ConfigError::UnknownRule {
                name: name.clone(),
                known: Rule::CONFIGURABLE
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
            disabled.push(rule);
        }
        Ok(self.build(extra, allowed, disabled))
    }

    /// Compiles checked parts; cannot fail.
    pub(crate) fn build(
        &self,
        extra: Vec<String>,
        allowed: Vec<String>,
        disabled: Vec<Rule>,
    ) -> Compiled {
        let enabled: Rules = Rule::CONFIGURABLE
            .iter()
            .copied()
            .filter(|r| !disabled.contains(r))
            .filter(|r| *r != Rule::Email || self.mask_emails)
            .collect();
        let builtin = BUILTIN_KEYS
            .iter()
            .flat_map(|row| row.entries.iter().map(|e| (*e).to_owned()));
        Compiled {
            sensitive: KeySet::new(builtin.chain(extra)),
            allowed: KeySet::new(allowed),
            replacement: self.replacement.clone(),
            card_display: self.card_display,
            enabled,
            scanners: Scanners::new(enabled),
            limits: self.limits,
            #[cfg(feature = "cli")]
            memo: super::memo::next_config(),
        }
    }
}

fn normalize_all(field: &'static str, keys: &[String]) -> Result<Vec<String>, ConfigError> {
    keys.iter()
        .map(|key| {
            let normalized = keys::normalize(key);
            let reason = if normalized.is_empty() {
                Some("it has no letters or digits")
            } else if normalized.len() > MAX_ENTRY_LEN {
                Some("it is longer than 64 bytes")
            } else {
                None
            };
            match reason {
                Some(reason) => Err(ConfigError::BadKey {
                    field,
                    key: key.clone(),
                    reason,
                }),
                None => Ok(normalized),
            }
        })
        .collect()
}
