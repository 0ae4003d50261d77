//! The validator: any input text in, a precise verdict out.
//!
//! [`Validator::check`] reads untrusted bytes within [`Limits`], reports every
//! problem it finds as a [`Violation`] (a JSON Pointer, a stable [`Code`] and a
//! message) and, when there is none, hands back the typed [`Event`]. Reading,
//! checking and normalising are one pass over the input: the JSON is read once
//! into a bounded tree (see `reader.rs`), the tree is checked field by field
//! and moved into the event (see `rules.rs`).
//!
//! The same rules are published as a JSON Schema and TypeScript declarations
//! (the `schema` feature, see `schema.rs`), generated from the payload types of
//! [`crate::kind`], which the rule table mirrors and which a test holds equal.

#[cfg(not(target_arch = "wasm32"))]
mod direct;
pub(crate) mod json;
mod reader;
mod rules;
#[cfg(feature = "schema")]
pub mod schema;
#[cfg(feature = "schema")]
pub mod typescript;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::format::Formatter;
use crate::sanitize::{Report, Sanitizer};
use crate::timestamp::Timestamp;

pub use rules::{
    FRAMEWORK_LOGGERS, FieldRule, KIND_RULES, Presence, Shape, TOP_LEVEL_FIELDS, payload_applies,
    payload_violations, timestamp_shape,
};

/// How unknown fields (at the top level and in `context`) are taken.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(rename = "ValidationMode"))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// An unknown field is a violation. The writer's default.
    #[default]
    Strict,
    /// An unknown field is a warning, and the event is kept without it.
    Lenient,
}

impl<'de> Deserialize<'de> for Mode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::names::by_name(
            deserializer,
            &[Mode::Strict, Mode::Lenient],
            &["strict", "lenient"],
        )
    }
}

/// Bounds on what one event may hold. Past any of them the input gets a
/// [`Code::LimitExceeded`] violation that names the limit, and the work stays
/// linear in the size of the input.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(rename = "ValidatorLimits"))]
#[cfg_attr(not(target_arch = "wasm32"), derive(Deserialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The size of one event in bytes, before anything is read. Default 64 KiB.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_event_bytes: usize,
    /// How deeply objects and arrays may nest; the event object itself is
    /// depth 1. Default 32.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_depth: usize,
    /// The length of any string, keys included, in bytes of UTF-8.
    /// Default 16 KiB.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_string_len: usize,
    /// How many keys any one object may have. Default 256.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_keys_per_object: usize,
    /// How many elements any one array may have. Default 1024.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub max_array_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_event_bytes: 64 * 1024,
            max_depth: 32,
            max_string_len: 16 * 1024,
            max_keys_per_object: 256,
            max_array_len: 1024,
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
            max_event_bytes: fields.or("max_event_bytes", seed.max_event_bytes)?,
            max_depth: fields.or("max_depth", seed.max_depth)?,
            max_string_len: fields.or("max_string_len", seed.max_string_len)?,
            max_keys_per_object: fields.or("max_keys_per_object", seed.max_keys_per_object)?,
            max_array_len: fields.or("max_array_len", seed.max_array_len)?,
        };
        fields.none_other()?;
        Ok(limits)
    }
}

impl Limits {
    /// The violation for an event of `bytes` bytes, if that is too large.
    /// Callers that read input in bounded pieces report long lines with it
    /// without holding them.
    pub fn size_violation(&self, bytes: usize) -> Option<Violation> {
        (bytes > self.max_event_bytes).then(|| {
            Violation::new(
                "",
                Code::LimitExceeded,
                format!(
                    "the event is {bytes} bytes, more than max_event_bytes ({})",
                    self.max_event_bytes
                ),
            )
        })
    }
}

/// The most violations one [`Verdict`] lists. Past them, one more (a
/// [`Code::LimitExceeded`] on the whole input) says that there are more:
/// a violation's pointer repeats every key above it, so listing every
/// duplicate key under a deep path of long keys would cost the square of
/// the input's length.
pub const MAX_VIOLATIONS: usize = 100;

/// What a [`Validator`] is set up with; serde data with documented defaults
/// (strict mode, the default [`Limits`]).
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[cfg_attr(not(target_arch = "wasm32"), derive(Deserialize))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidatorConfig {
    /// Whether unknown fields are violations or warnings.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub mode: Mode,
    /// The bounds on one event.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub limits: Limits,
}

crate::names::deserialize_by_key_in_wasm!(Limits, ValidatorConfig);

impl ValidatorConfig {
    /// The configuration read by key.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn read_by_key<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let mut fields = crate::names::Fields::read(deserializer)?;
        let config = ValidatorConfig {
            mode: fields.defaulted("mode")?,
            limits: fields.defaulted("limits")?,
        };
        fields.none_other()?;
        Ok(config)
    }
}

/// A stable, machine-readable name for what is wrong. The snake_case names
/// (`Code::name`, and the serde form) never change meaning.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The input is not valid UTF-8.
    NotUtf8,
    /// The input is not JSON: a syntax error, `NaN`, a number out of range.
    NotJson,
    /// Something follows the JSON value.
    TrailingGarbage,
    /// An object has the same key twice.
    DuplicateKey,
    /// A limit of [`Limits`] is passed.
    LimitExceeded,
    /// A value has the wrong JSON type.
    WrongType,
    /// A required field is missing.
    MissingField,
    /// A field that the schema does not define.
    UnknownField,
    /// The level is not one of the known names or aliases.
    UnknownLevel,
    /// The logger name is not a dotted name.
    BadLogger,
    /// The timestamp is neither RFC 3339 nor the seed's naive form.
    BadTimestamp,
    /// A value outside its closed set, such as a severity.
    UnknownValue,
    /// A number outside its range: negative durations, HTTP statuses.
    OutOfRange,
    /// The level contradicts the payload, such as a security event's severity.
    LevelMismatch,
}

impl Code {
    /// Every code, in the order of the table in the README.
    pub const ALL: [Code; 14] = [
        Code::NotUtf8,
        Code::NotJson,
        Code::TrailingGarbage,
        Code::DuplicateKey,
        Code::LimitExceeded,
        Code::WrongType,
        Code::MissingField,
        Code::UnknownField,
        Code::UnknownLevel,
        Code::BadLogger,
        Code::BadTimestamp,
        Code::UnknownValue,
        Code::OutOfRange,
        Code::LevelMismatch,
    ];

    /// The stable snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            Code::NotUtf8 => "not_utf8",
            Code::NotJson => "not_json",
            Code::TrailingGarbage => "trailing_garbage",
            Code::DuplicateKey => "duplicate_key",
            Code::LimitExceeded => "limit_exceeded",
            Code::WrongType => "wrong_type",
            Code::MissingField => "missing_field",
            Code::UnknownField => "unknown_field",
            Code::UnknownLevel => "unknown_level",
            Code::BadLogger => "bad_logger",
            Code::BadTimestamp => "bad_timestamp",
            Code::UnknownValue => "unknown_value",
            Code::OutOfRange => "out_of_range",
            Code::LevelMismatch => "level_mismatch",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One thing wrong with an input.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Violation {
    /// A JSON Pointer (RFC 6901) to the offending place, such as
    /// `/extra_data/severity`; for a missing field, where it should be; the
    /// empty pointer for the input as a whole.
    pub pointer: String,
    /// What kind of problem it is.
    pub code: Code,
    /// What is wrong, for people.
    pub message: String,
}

impl Violation {
    pub(crate) fn new(pointer: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        Violation {
            pointer: pointer.into(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.pointer, self.message, self.code)
    }
}

/// Violations as one line of text, `; ` between them; one of the whole
/// input (the empty pointer) without its pointer's `: `.
pub fn describe_all(violations: &[Violation]) -> String {
    let mut text = String::new();
    for (i, violation) in violations.iter().enumerate() {
        if i > 0 {
            text.push_str("; ");
        }
        let one = violation.to_string();
        text.push_str(one.strip_prefix(": ").unwrap_or(&one));
    }
    text
}

/// What the validator found: the event when the input is valid, and every
/// violation and warning otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The typed, normalised event; `Some` exactly when there is no violation.
    pub event: Option<Event>,
    /// Everything that makes the input invalid, up to [`MAX_VIOLATIONS`].
    pub violations: Vec<Violation>,
    /// What lenient mode let through (unknown fields, dropped).
    pub warnings: Vec<Violation>,
}

impl Verdict {
    /// True when the input is a valid event.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }

    /// The event, or every violation when the input is not a valid one.
    pub fn into_result(self) -> Result<Event, Vec<Violation>> {
        match self.event {
            Some(event) if self.violations.is_empty() => Ok(event),
            _ => Err(self.violations),
        }
    }
}

/// Checks untrusted input against the event schema and the rules of its kind.
#[derive(Clone, Debug, Default)]
pub struct Validator {
    config: ValidatorConfig,
}

impl Validator {
    /// A validator with `config`.
    pub fn new(config: ValidatorConfig) -> Validator {
        Validator { config }
    }

    /// The configuration in use.
    pub fn config(&self) -> &ValidatorConfig {
        &self.config
    }

    /// Reads untrusted JSON text that is not an event (the fields of a
    /// payload, say) as [`Validator::check`] reads an event: within the
    /// limits, and every duplicate key, over-long string, over-full object
    /// or array and over-deep container a violation, with its pointer.
    pub fn read_value(&self, input: &[u8]) -> Result<serde_json::Value, Vec<Violation>> {
        let mut violations = Vec::new();
        match reader::read_value(input, &self.config.limits, &mut violations) {
            Some(value) if violations.is_empty() => Ok(value.into_value()),
            _ => {
                bound(&mut violations);
                Err(violations)
            }
        }
    }

    /// Checks one event's text. An event without a timestamp gets `received`,
    /// the time the caller took it in. Never panics; the work is linear in
    /// the length of `input`.
    pub fn check(&self, input: &[u8], received: Timestamp) -> Verdict {
        let mut violations = Vec::new();
        let mut warnings = Vec::new();
        let mut fields = reader::Fields::default();
        let mut event =
            self.check_into(input, received, &mut fields, &mut violations, &mut warnings);
        if let Some(event) = &mut event {
            event.extra_data = json::into_map(fields.take_extra_data());
        }
        Verdict {
            event,
            violations,
            warnings,
        }
    }

    /// [`Validator::check`], for a caller that may not need the event's
    /// `extra_data`: it is checked as `check` checks it, but built only by
    /// [`Checked::into_event`], since building it is a large part of the
    /// work of reading an event. The violations and warnings when the input
    /// is not a valid event.
    pub fn check_deferred<'a>(
        &self,
        input: &'a [u8],
        received: Timestamp,
    ) -> Result<Checked<'a>, Invalid> {
        let mut violations = Vec::new();
        let mut warnings = Vec::new();
        let mut fields = reader::Fields::default();
        match self.check_into(input, received, &mut fields, &mut violations, &mut warnings) {
            Some(event) => Ok(Checked {
                event,
                extra_data: fields.take_extra_data(),
                warnings,
            }),
            None => Err(Invalid {
                violations,
                warnings,
            }),
        }
    }

    /// The event when `input` is valid, its `extra_data` left in `fields`;
    /// the violations and warnings found either way.
    fn check_into<'a>(
        &self,
        input: &'a [u8],
        received: Timestamp,
        fields: &mut reader::Fields<'a>,
        violations: &mut Vec<Violation>,
        warnings: &mut Vec<Violation>,
    ) -> Option<Event> {
        // Filled in place by the reader and emptied by the rules: the
        // fields of the event object are never moved whole.
        let tree = reader::read(input, &self.config.limits, violations, fields);
        let event = tree.and_then(|tree| {
            rules::event(
                tree,
                fields,
                received,
                self.config.mode,
                violations,
                warnings,
            )
        });
        bound(violations);
        if violations.is_empty() { event } else { None }
    }
}

/// Why an input is not a valid event: the [`Verdict`] without its event.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    /// Everything that makes the input invalid, up to [`MAX_VIOLATIONS`].
    pub violations: Vec<Violation>,
    /// What lenient mode let through (unknown fields, dropped).
    pub warnings: Vec<Violation>,
}

/// A valid event from [`Validator::check_deferred`], whose `extra_data` is
/// checked but still borrowed from the input.
#[derive(Debug)]
pub struct Checked<'a> {
    /// The event, with an empty `extra_data`.
    pub event: Event,
    /// What lenient mode let through (unknown fields, dropped).
    pub warnings: Vec<Violation>,
    extra_data: json::Object<'a>,
}

impl Checked<'_> {
    /// The event with its `extra_data`.
    pub fn into_event(self) -> Event {
        let mut event = self.event;
        event.extra_data = json::into_map(self.extra_data);
        event
    }

    /// The `extra_data` as the JSON format writes it
    /// ([`crate::Formatter::write_with_data`]).
    pub fn data_json(&self) -> String {
        crate::format::json_text(&self.extra_data)
    }

    /// Appends the event as one line in `formatter`'s format, its
    /// `extra_data` written from the validator's tree.
    pub fn write_line(&self, formatter: &Formatter, out: &mut Vec<u8>) {
        formatter.write_with_tree(&self.event, &self.extra_data, out);
    }

    /// Redacts the event's `context` and `extra_data` in place, without
    /// building the `extra_data`: what [`Sanitizer::sanitize_parts`] of
    /// [`crate::Parts::Data`] does to the built event, and reports.
    /// [`Checked::into_event`] and [`Checked::data_json`] then give them
    /// sanitized.
    pub fn sanitize_data(&mut self, sanitizer: &Sanitizer) -> Report {
        sanitizer.sanitize_data_tree(&mut self.event.context, &mut self.extra_data)
    }
}

/// Keeps the first [`MAX_VIOLATIONS`] violations, and then one that says
/// there were more.
fn bound(violations: &mut Vec<Violation>) {
    if violations.len() > MAX_VIOLATIONS {
        violations.truncate(MAX_VIOLATIONS);
        violations.push(Violation::new(
            "",
            Code::LimitExceeded,
            format!(
                "more than {MAX_VIOLATIONS} violations: only the first {MAX_VIOLATIONS} are listed"
            ),
        ));
    }
}

/// Appends the JSON Pointer escape of one reference token (RFC 6901).
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}
