//! The published JSON Schema (draft 2020-12) of an event, generated with
//! schemars from the Rust types: [`Event`] and the payload structs of
//! [`crate::kind`]. The kinds become `if`/`then` branches on the logger name,
//! generated from [`KIND_LOGGERS`]; the level patterns come from
//! [`Level::NAMES`]. What JSON Schema cannot say is written in the
//! descriptions (see [`BEYOND_SCHEMA`]).

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Number, Value, json};

use super::{FRAMEWORK_LOGGERS, KIND_RULES, Mode, Presence};
use crate::event::Event;
use crate::kind::{
    Analytics, ApiError, DbStats, HttpRequest, KIND_LOGGERS, Kind, Operation, SecurityEvent,
    Severity, SlowRequest, UserAction,
};
use crate::level::Level;
use crate::logger::LoggerName;
use crate::timestamp::Timestamp;

/// The rules that the validator checks and JSON Schema cannot express, each
/// with the name that vectors use to say that a schema validator cannot see it.
#[rustfmt::skip]
pub const BEYOND_SCHEMA: &[(&str, &str)] = &[
    ("duplicate_key",   "an object may not have the same key twice (JSON parsers keep the last)"),
    ("limits",          "the limits: event size (64 KiB), nesting depth (32), string length in bytes (16 KiB), keys per object (256), array length (1024), all configurable"),
    ("json_syntax",     "the text must be strict JSON that a 64-bit float can hold: no lone surrogate escapes, no number beyond the float range"),
    ("calendar",        "a timestamp must be a real instant, in UTC between the years 0000 and 9999: no 30 February, no 31 April"),
    ("integer",         "an integer field must be written without a fraction: 7, not 7.0"),
];

/// The schema that [`Validator`](super::Validator) in `mode` applies, as JSON.
/// In lenient mode unknown fields (top level and `context`) are allowed.
pub fn event_schema(mode: Mode) -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let mut root = generator.root_schema_for::<Event>();
    let mut branches = Vec::new();
    let payloads = kind_payloads(&mut generator);
    for &(name, kind) in KIND_LOGGERS {
        let Some((_, reference)) = payloads.iter().find(|(k, _)| *k == kind) else {
            continue;
        };
        let mut condition = json!({
            "type": "object",
            "required": ["logger"],
            "properties": { "logger": logger_within(name) }
        });
        let mut then = json!({ "type": "object", "properties": { "extra_data": reference } });
        if FRAMEWORK_LOGGERS.contains(&name) {
            // The payload is checked only when one of its required fields is there.
            let required = KIND_RULES
                .iter()
                .filter(|(k, _)| *k == kind)
                .flat_map(|(_, fields)| fields.iter())
                .filter(|field| field.presence == Presence::Required)
                .map(|field| json!({ "required": [field.name] }))
                .collect::<Vec<_>>();
            condition["required"] = json!(["logger", "extra_data"]);
            condition["properties"]["extra_data"] = json!({ "type": "object", "anyOf": required });
        } else {
            then["required"] = json!(["extra_data"]);
        }
        branches.push(json!({ "if": condition, "then": then }));
    }
    for severity in Severity::ALL {
        branches.push(json!({
            "if": {
                "type": "object",
                "required": ["logger", "extra_data"],
                "properties": {
                    "logger": kind_pattern(Kind::Security),
                    "extra_data": {
                        "type": "object",
                        "required": ["severity"],
                        "properties": { "severity": { "const": severity.name() } }
                    }
                }
            },
            "then": {
                "type": "object",
                "properties": {
                    "level": {
                        "type": "string",
                        "pattern": level_pattern(Some(severity.level())),
                        "description": format!(
                            "a security event of severity {} is logged at {}",
                            severity.name(),
                            severity.level()
                        )
                    }
                }
            }
        }));
    }

    let definitions = generator.take_definitions(true);
    let object = root.ensure_object();
    object.insert(
        "$id".into(),
        json!("https://derrakht.ir/schemas/barg/event.json"),
    );
    object.insert("title".into(), json!("barg event"));
    let mut description = String::from(
        "One log event, one JSON object per line (NDJSON). A missing timestamp is the time of receipt. \
         The kind of an event follows from its logger (the longest entry of the kind table that the logger \
         is within), and each kind requires its fields in extra_data. Rules this schema cannot express, \
         which barg's validator checks:",
    );
    for (_, rule) in BEYOND_SCHEMA {
        description.push_str("\n- ");
        description.push_str(rule);
    }
    object.insert("description".into(), json!(description));
    if let Some(Value::Array(required)) = object.get_mut("required") {
        required.retain(|name| name != "timestamp");
    }
    if mode == Mode::Lenient {
        object.insert("additionalProperties".into(), json!(true));
    }
    object.insert("allOf".into(), Value::Array(branches));
    let defs = object.entry("$defs").or_insert_with(|| json!({}));
    if let Value::Object(defs) = defs {
        defs.extend(definitions);
        if mode == Mode::Lenient {
            if let Some(Value::Object(context)) = defs.get_mut("Context") {
                context.insert("additionalProperties".into(), json!(true));
            }
        }
    }
    let mut value = root.to_value();
    bound_number_formats(&mut value);
    // The identifying keys first, for people reading the schema.
    let mut ordered = serde_json::Map::new();
    if let Value::Object(mut object) = value {
        for key in ["$schema", "$id", "title", "description"] {
            if let Some(value) = object.shift_remove(key) {
                ordered.insert(key.to_owned(), value);
            }
        }
        ordered.extend(object);
    }
    Value::Object(ordered)
}

/// The range of each integer `format` that schemars names after a Rust type.
const INTEGER_FORMATS: &[(&str, i128, i128)] = &[
    ("uint8", 0, u8::MAX as i128),
    ("uint16", 0, u16::MAX as i128),
    ("uint32", 0, u32::MAX as i128),
    ("uint64", 0, u64::MAX as i128),
    ("int8", i8::MIN as i128, i8::MAX as i128),
    ("int16", i16::MIN as i128, i16::MAX as i128),
    ("int32", i32::MIN as i128, i32::MAX as i128),
    ("int64", i64::MIN as i128, i64::MAX as i128),
];

/// Replaces the `format`s that schemars names after Rust's number types,
/// which JSON Schema does not define (a strict validator such as ajv refuses
/// them, a lenient one ignores them), with what they mean: an integer's
/// range as `minimum` and `maximum` (a bound already there, tighter, is
/// kept), and nothing for a float's `double`.
fn bound_number_formats(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let format = object.get("format").and_then(Value::as_str);
            let range = INTEGER_FORMATS
                .iter()
                .find(|(name, ..)| Some(*name) == format);
            if let Some(&(_, min, max)) = range {
                // Every bound is an i64 or a u64, which a Number holds.
                let number = |n| Number::from_i128(n).map_or(Value::Null, Value::Number);
                object.entry("minimum").or_insert_with(|| number(min));
                object.entry("maximum").or_insert_with(|| number(max));
                object.shift_remove("format");
            } else if matches!(format, Some("double" | "float")) {
                object.shift_remove("format");
            }
            object.values_mut().for_each(bound_number_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_number_formats),
        _ => {}
    }
}

/// Each kind's payload schema, a `$ref` into `$defs`.
fn kind_payloads(generator: &mut SchemaGenerator) -> Vec<(Kind, Value)> {
    let mut payloads = vec![
        (Kind::Analytics, generator.subschema_for::<Analytics>()),
        (Kind::Audit, generator.subschema_for::<UserAction>()),
        (Kind::Security, generator.subschema_for::<SecurityEvent>()),
        (Kind::Operation, generator.subschema_for::<Operation>()),
        (Kind::SlowRequest, generator.subschema_for::<SlowRequest>()),
        (Kind::DbStats, generator.subschema_for::<DbStats>()),
        (Kind::HttpRequest, generator.subschema_for::<HttpRequest>()),
        (Kind::ApiError, generator.subschema_for::<ApiError>()),
    ];
    payloads.sort_by_key(|(kind, _)| KIND_LOGGERS.iter().position(|(_, k)| k == kind));
    payloads
        .into_iter()
        .map(|(kind, schema)| (kind, schema.to_value()))
        .collect()
}

/// The name of the payload type of each kind in `$defs`.
pub fn payload_definition(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Log => return None,
        Kind::Analytics => "Analytics",
        Kind::Audit => "UserAction",
        Kind::Security => "SecurityEvent",
        Kind::Operation => "Operation",
        Kind::SlowRequest => "SlowRequest",
        Kind::DbStats => "DbStats",
        Kind::HttpRequest => "HttpRequest",
        Kind::ApiError => "ApiError",
    })
}

/// A schema for logger names of `kind`: within one of its entries of
/// [`KIND_LOGGERS`].
fn kind_pattern(kind: Kind) -> Value {
    let entries: Vec<Value> = KIND_LOGGERS
        .iter()
        .filter(|(_, k)| *k == kind)
        .map(|(name, _)| logger_within(name))
        .collect();
    match entries.len() {
        1 => entries.into_iter().next().unwrap_or_default(),
        _ => json!({ "anyOf": entries }),
    }
}

/// A schema for logger names whose longest entry of [`KIND_LOGGERS`] is
/// `name`: within `name`, and not within a longer entry inside it.
fn logger_within(name: &str) -> Value {
    let within = |name: &str| format!("^{}(\\.|$)", name.replace('.', "\\."));
    let deeper: Vec<Value> = KIND_LOGGERS
        .iter()
        .filter(|(other, _)| other.starts_with(&format!("{name}.")))
        .map(|(other, _)| json!({ "type": "string", "pattern": within(other) }))
        .collect();
    let mut entry = json!({ "type": "string", "pattern": within(name) });
    if !deeper.is_empty() {
        entry["not"] = json!({ "anyOf": deeper });
    }
    entry
}

/// The pattern of the names of `level` (all levels for `None`), in any ASCII
/// letter case, from [`Level::NAMES`].
pub fn level_pattern(level: Option<Level>) -> String {
    let names: Vec<String> = Level::NAMES
        .iter()
        .filter(|(_, l)| level.is_none_or(|level| level == *l))
        .map(|(name, _)| {
            name.chars()
                .map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase()))
                .collect()
        })
        .collect();
    format!("^(?:{})$", names.join("|"))
}

impl JsonSchema for Level {
    fn schema_name() -> Cow<'static, str> {
        "Level".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "DEBUG, INFO, WARNING, ERROR or CRITICAL (Python's 10 to 50), in any letter case; WARN is WARNING and FATAL is CRITICAL.",
            "type": "string",
            "pattern": level_pattern(None),
        })
    }
}

impl JsonSchema for LoggerName {
    fn schema_name() -> Cow<'static, str> {
        "LoggerName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A dotted logger name; segments of ASCII letters, digits, '_' and '-'. The kind of the event follows from it.",
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$",
        })
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "RFC 3339 with any offset, or the seed's naive form (2025-12-26T10:30:45.123456, 'T' or a space), taken as UTC; finer than the microsecond is truncated. barg also checks that the date exists (no 30 February).",
            "type": "string",
            "pattern": TIMESTAMP_PATTERN,
        })
    }
}

/// The shape of a timestamp, short of the calendar (the number of days in a
/// month); [`super::timestamp_shape`] is its scanner in the validator.
pub const TIMESTAMP_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_patterns_come_from_the_names_table() {
        assert_eq!(
            level_pattern(Some(Level::Warning)),
            "^(?:[Ww][Aa][Rr][Nn][Ii][Nn][Gg]|[Ww][Aa][Rr][Nn])$"
        );
        assert_eq!(
            level_pattern(Some(Level::Critical)),
            "^(?:[Cc][Rr][Ii][Tt][Ii][Cc][Aa][Ll]|[Ff][Aa][Tt][Aa][Ll])$"
        );
        let all = level_pattern(None);
        for (name, _) in Level::NAMES {
            assert!(all.contains(&name[..1]), "{name}");
        }
    }

    #[test]
    fn a_logger_pattern_leaves_out_the_longer_entries_inside_it() {
        assert_eq!(
            logger_within("performance"),
            json!({
                "type": "string",
                "pattern": "^performance(\\.|$)",
                "not": { "anyOf": [
                    { "type": "string", "pattern": "^performance\\.requests(\\.|$)" },
                    { "type": "string", "pattern": "^performance\\.db(\\.|$)" }
                ] }
            })
        );
        assert_eq!(
            logger_within("django.request"),
            json!({ "type": "string", "pattern": "^django\\.request(\\.|$)" })
        );
    }

    #[test]
    fn every_kind_entry_has_a_branch() {
        let schema = event_schema(Mode::Strict);
        let branches = schema["allOf"].as_array().expect("allOf");
        assert_eq!(branches.len(), KIND_LOGGERS.len() + Severity::ALL.len());
        for kind in KIND_RULES.iter().map(|(kind, _)| *kind) {
            let name = payload_definition(kind).expect("a payload");
            assert!(schema["$defs"].get(name).is_some(), "{name}");
        }
    }
}
