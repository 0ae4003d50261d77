//! The rules: the event's fields, and each kind's `extra_data`, checked on the
//! tree that `reader.rs` built and moved into a typed [`Event`].
//!
//! [`KIND_RULES`] is the declarative table of each kind's payload. It mirrors
//! the payload structs of [`crate::kind`], from which the published schema is
//! generated; the `kind_rules_match_the_published_schema` test holds the two
//! equal, field by field.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::json::{Json, Object, borrow_map, get};
use super::reader::{Fields, Tree};
use super::{Code, Mode, Violation, push_token};
use crate::event::{Context, Event, UserId};
use crate::kind::{Kind, Severity};
use crate::level::Level;
use crate::logger::LoggerName;
use crate::timestamp::{Timestamp, TimestampError};

/// What one payload field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    Text,
    /// A boolean.
    Flag,
    /// A user id: an integer (64-bit) or a string.
    User,
    /// Any JSON object.
    Object,
    /// Any JSON value.
    Json,
    /// A duration in milliseconds: a number, zero or more.
    Millis,
    /// A count: an integer, zero or more.
    Count,
    /// An HTTP status: an integer from 100 to 599.
    Status,
    /// A security severity: `low`, `medium`, `high` or `critical`.
    Severity,
    /// An array of objects, each with these fields.
    List(&'static [FieldRule]),
}

/// Whether a field must be there, as its type in the payload struct says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// It must be present and not `null`.
    Required,
    /// An `Option`: it may be absent or `null`.
    Optional,
    /// A `#[serde(default)]`: it may be absent, but not `null`.
    Defaulted,
}

/// One field of a kind's `extra_data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRule {
    /// The key.
    pub name: &'static str,
    /// What it holds.
    pub shape: Shape,
    /// Whether it must be present.
    pub presence: Presence,
}

const fn required(name: &'static str, shape: Shape) -> FieldRule {
    FieldRule {
        name,
        shape,
        presence: Presence::Required,
    }
}

const fn optional(name: &'static str, shape: Shape) -> FieldRule {
    FieldRule {
        name,
        shape,
        presence: Presence::Optional,
    }
}

const fn defaulted(name: &'static str, shape: Shape) -> FieldRule {
    FieldRule {
        name,
        shape,
        presence: Presence::Defaulted,
    }
}

use Shape::{Count, Flag, List, Millis, Status, Text, User};

/// The fields of one of `DbStats`'s `slowest_queries` (`SlowQuery`).
const SLOW_QUERY: &[FieldRule] = &[required("sql", Text), required("time_ms", Millis)];

/// Each kind's `extra_data`: the fields of its payload struct in
/// [`crate::kind`]. Keys not listed are allowed in every kind. Plain records
/// ([`Kind::Log`]) take any object.
#[rustfmt::skip]
pub const KIND_RULES: &[(Kind, &[FieldRule])] = &[
    (Kind::Analytics, &[
        required("event_name", Text),
        required("event_category", Text),
        optional("user_id", User),
        defaulted("properties", Shape::Object),
    ]),
    (Kind::Audit, &[
        required("action", Text),
        required("user_id", User),
        optional("user_email", Text),
    ]),
    (Kind::Security, &[
        required("event_type", Text),
        required("severity", Shape::Severity),  // and the level must match it
        optional("ip_address", Text),
    ]),
    (Kind::Operation, &[
        required("operation", Text),
        required("duration_ms", Millis),
        required("success", Flag),
        optional("error_type", Text),
        optional("error", Text),
    ]),
    (Kind::SlowRequest, &[
        required("method", Text),
        required("path", Text),
        required("status", Status),
        required("duration_ms", Millis),
        required("threshold_ms", Millis),
    ]),
    (Kind::DbStats, &[
        optional("path", Text),
        required("query_count", Count),
        required("total_time_ms", Millis),
        required("slowest_queries", List(SLOW_QUERY)),
        required("flagged", Flag),
    ]),
    (Kind::HttpRequest, &[
        required("method", Text),
        required("path", Text),
        optional("query", Text),
        required("status", Status),
        required("duration_ms", Millis),
        optional("user_id", User),
        optional("client_ip", Text),
        optional("user_agent", Text),
    ]),
    (Kind::ApiError, &[
        required("error_type", Text),
        required("error_message", Text),
        required("path", Text),
        required("method", Text),
        optional("user_id", User),
        optional("request_data", Shape::Json),
    ]),
];

/// Loggers that the framework writes to itself, such as Django's
/// `django.security.csrf` warnings: their records carry no payload, so their
/// kind's fields are checked only when one of its required fields is there.
pub const FRAMEWORK_LOGGERS: &[&str] = &["django.security"];

/// Whether the payload rules of `fields` apply to `data` from `logger`.
pub fn payload_applies(
    logger: &LoggerName,
    fields: &[FieldRule],
    data: &Map<String, Value>,
) -> bool {
    applies(logger, fields, |key| data.contains_key(key))
}

/// [`payload_applies`] to a payload that `has` a key or not.
fn applies(logger: &LoggerName, fields: &[FieldRule], has: impl Fn(&str) -> bool) -> bool {
    let framework = FRAMEWORK_LOGGERS.iter().any(|name| logger.is_within(name));
    !framework
        || fields
            .iter()
            .any(|field| field.presence == Presence::Required && has(field.name))
}

/// The violations of a kind's payload fields in `object`, by the kind's
/// rules in [`KIND_RULES`], with pointers from `object`: what the validator
/// reports under `/extra_data`. None for a kind without rules.
pub fn payload_violations(kind: Kind, object: &Map<String, Value>) -> Vec<Violation> {
    let (mut violations, mut warnings) = (Vec::new(), Vec::new());
    if let Some(fields) = rules_of(kind) {
        let mut found = Findings {
            mode: Mode::Strict,
            violations: &mut violations,
            warnings: &mut warnings,
        };
        check_fields(&mut found, &String::new, &borrow_map(object), fields);
    }
    violations
}

/// The rules of `kind`'s payload fields; none for a kind without rules.
fn rules_of(kind: Kind) -> Option<&'static [FieldRule]> {
    KIND_RULES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, fields)| *fields)
}

/// The top-level fields of an event, in the seed's order.
pub const TOP_LEVEL_FIELDS: [&str; 9] = [
    "timestamp",
    "level",
    "logger",
    "message",
    "module",
    "function",
    "line",
    "context",
    "extra_data",
];

/// The fields of `context`.
const CONTEXT_FIELDS: [&str; 3] = ["user_id", "request_id", "client_ip"];

/// Where violations and warnings go while one event is checked.
struct Findings<'a> {
    mode: Mode,
    violations: &'a mut Vec<Violation>,
    warnings: &'a mut Vec<Violation>,
}

impl Findings<'_> {
    fn violation(&mut self, pointer: String, code: Code, message: String) {
        self.violations.push(Violation::new(pointer, code, message));
    }

    fn missing(&mut self, pointer: String, what: &str) {
        self.violation(pointer, Code::MissingField, format!("{what} is required"));
    }

    fn wrong_type(&mut self, pointer: String, expected: &str, found: &Json) {
        self.violation(
            pointer,
            Code::WrongType,
            format!("expected {expected}, found {}", type_name(found)),
        );
    }

    /// Takes the values of the `known` fields out of `object`, in `known`'s
    /// order, and reports every other key.
    fn take_fields<'a, const N: usize>(
        &mut self,
        parent: &str,
        object: Object<'a>,
        known: &[&str; N],
    ) -> [Option<Json<'a>>; N] {
        let mut fields = [const { None }; N];
        for (key, value) in object {
            match known.iter().position(|name| *name == key) {
                Some(index) => fields[index] = Some(value),
                None => self.unknown_field(parent, &key, known),
            }
        }
        fields
    }

    /// A key that is not one of `known`: a violation in strict mode, a
    /// warning in lenient mode.
    fn unknown_field(&mut self, parent: &str, key: &str, known: &[&str]) {
        let mut pointer = parent.to_owned();
        push_token(&mut pointer, key);
        let violation = Violation::new(
            pointer,
            Code::UnknownField,
            format!(
                "unknown field {key:?}: expected one of {}",
                known.join(", ")
            ),
        );
        match self.mode {
            Mode::Strict => self.violations.push(violation),
            Mode::Lenient => self.warnings.push(violation),
        }
    }
}

/// Where a value is, as a JSON Pointer made only when a violation needs it.
type At<'a> = &'a dyn Fn() -> String;

/// The JSON type of a value, as messages name it.
fn type_name(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_f64() => "a floating-point number",
        Json::Number(_) => "an integer",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn pointer(parts: &[&str]) -> String {
    let mut pointer = String::new();
    for part in parts {
        push_token(&mut pointer, part);
    }
    pointer
}

/// Checks the tree of one event and moves it into an [`Event`]; `None` when
/// some part could not be typed (the violations say why). The event's
/// `extra_data` is left empty, and its object is put back in `fields`
/// ([`Fields::take_extra_data`]), checked, for the caller to build or drop.
pub(super) fn event<'a>(
    tree: Tree<'a>,
    fields: &mut Fields<'a>,
    received: Timestamp,
    mode: Mode,
    violations: &mut Vec<Violation>,
    warnings: &mut Vec<Violation>,
) -> Option<Event> {
    let mut findings = Findings {
        mode,
        violations,
        warnings,
    };
    let found = &mut findings;
    match tree {
        Tree::Event => {}
        Tree::Other(other) => {
            found.wrong_type(String::new(), "an event object", &other);
            return None;
        }
    }
    // The reader matched the known keys by name already; the others are
    // reported in the order they came.
    for (key, _) in &fields.unknown {
        found.unknown_field("", key, &TOP_LEVEL_FIELDS);
    }
    let [
        timestamp,
        level,
        logger,
        message,
        module,
        function,
        line,
        context,
        extra_data,
    ] = fields.known.each_mut().map(Option::take);

    let timestamp = match timestamp {
        None => Some(received),
        Some(Json::String(text)) => match read_timestamp(&text) {
            Ok(timestamp) => Some(timestamp),
            Err(error) => {
                found.violation(
                    pointer(&["timestamp"]),
                    Code::BadTimestamp,
                    error.to_string(),
                );
                None
            }
        },
        Some(other) => {
            found.wrong_type(pointer(&["timestamp"]), "a string", &other);
            None
        }
    };
    let level = required_text(found, level, "level").and_then(|name| {
        Level::parse(&name)
            .map_err(|error| {
                found.violation(pointer(&["level"]), Code::UnknownLevel, error.to_string())
            })
            .ok()
    });
    let logger = required_text(found, logger, "logger").and_then(|name| {
        LoggerName::new(name.into_owned())
            .map_err(|error| {
                found.violation(pointer(&["logger"]), Code::BadLogger, error.to_string())
            })
            .ok()
    });
    let message = required_text(found, message, "message").map(Cow::into_owned);
    let module = optional_string(found, module, &["module"]);
    let function = optional_string(found, function, &["function"]);
    let line = match line {
        None | Some(Json::Null) => Some(None),
        Some(value) => match integer(found, &|| pointer(&["line"]), &value, 0, u32::MAX.into()) {
            Some(line) => u32::try_from(line).ok().map(Some),
            None => None,
        },
    };
    let context = match context {
        None => Some(Context::default()),
        Some(Json::Object(context)) => {
            let [user, request_id, client_ip] =
                found.take_fields("/context", context, &CONTEXT_FIELDS);
            let user_id = match user {
                None | Some(Json::Null) => Some(None),
                Some(value) => {
                    user_id(found, &|| pointer(&["context", "user_id"]), &value).map(Some)
                }
            };
            let request_id = optional_string(found, request_id, &["context", "request_id"]);
            let client_ip = optional_string(found, client_ip, &["context", "client_ip"]);
            match (user_id, request_id, client_ip) {
                (Some(user_id), Some(request_id), Some(client_ip)) => Some(Context {
                    user_id,
                    request_id,
                    client_ip,
                }),
                _ => None,
            }
        }
        Some(other) => {
            found.wrong_type(pointer(&["context"]), "an object", &other);
            None
        }
    };
    let extra_data = match extra_data {
        None => Some(Object::new()),
        Some(Json::Object(extra_data)) => Some(extra_data),
        Some(other) => {
            found.wrong_type(pointer(&["extra_data"]), "an object", &other);
            None
        }
    };

    if let Some(logger) = &logger {
        let kind = Kind::of(logger);
        let empty = Object::new();
        let data = extra_data.as_ref().unwrap_or(&empty);
        if extra_data.is_some() {
            if let Some(fields) = rules_of(kind) {
                if applies(logger, fields, |key| get(data, key).is_some()) {
                    check_fields(found, &|| pointer(&["extra_data"]), data, fields);
                }
            }
        }
        if kind == Kind::Security {
            let severity = get(data, "severity").and_then(Json::as_str);
            if let (Some(level), Some(severity)) = (level, severity.and_then(parse_severity)) {
                if level != severity.level() {
                    found.violation(
                        pointer(&["level"]),
                        Code::LevelMismatch,
                        format!(
                            "a security event of severity {} is logged at {}, not {}",
                            severity.name(),
                            severity.level(),
                            level
                        ),
                    );
                }
            }
        }
    }

    fields.put_extra_data(extra_data?);
    Some(Event {
        timestamp: timestamp?,
        level: level?,
        logger: logger?,
        message: message?,
        module: module?,
        function: function?,
        line: line?,
        context: context?,
        extra_data: Map::new(),
    })
}

/// A timestamp as the published schema describes it: the shape of
/// [`timestamp_shape`], then a real instant whose UTC year has four digits
/// (the parser decides), so that the event's JSON line reads back the same.
fn read_timestamp(text: &str) -> Result<Timestamp, TimestampError> {
    let error = |reason: &str| TimestampError {
        input: text.to_owned(),
        reason: reason.to_owned(),
    };
    if !timestamp_shape(text) {
        // The parser's reason, when it refuses the text too, says more
        // (`time 24:00:00 does not exist`).
        return Err(Timestamp::parse(text).err().unwrap_or_else(|| {
            error("expected YYYY-MM-DDThh:mm:ss, a fraction of a second if any, then Z, an offset or nothing")
        }));
    }
    // The parser itself refuses instants outside the years 0000 to 9999.
    Timestamp::parse(text)
}

/// The shape of a timestamp, a scanner for the published schema's pattern:
///
/// ```text
/// [0-9]{4} - (0[1-9]|1[0-2]) - (0[1-9]|[12][0-9]|3[01])        date
/// [Tt ]                                                       separator
/// ([01][0-9]|2[0-3]) : [0-5][0-9] : ([0-5][0-9]|60)            time, leap second
/// (\.[0-9]+)?                                                 fraction
/// ([Zz] | [+-] ([01][0-9]|2[0-3]) : [0-5][0-9])?              zone, none for naive
/// ```
pub fn timestamp_shape(text: &str) -> bool {
    let b = text.as_bytes();
    // The number written by the `len` digits at `at`, if it is in `range`.
    let number = |at: usize, len: usize, range: std::ops::RangeInclusive<u32>| {
        b.get(at..at + len)
            .and_then(|digits| {
                digits.iter().try_fold(0u32, |n, &d| {
                    d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
                })
            })
            .is_some_and(|n| range.contains(&n))
    };
    let is = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    let date_time = number(0, 4, 0..=9999)
        && is(4, b"-")
        && number(5, 2, 1..=12)
        && is(7, b"-")
        && number(8, 2, 1..=31)
        && is(10, b"Tt ")
        && number(11, 2, 0..=23)
        && is(13, b":")
        && number(14, 2, 0..=59)
        && is(16, b":")
        && number(17, 2, 0..=60);
    if !date_time {
        return false;
    }
    let mut at = 19;
    if is(at, b".") {
        let digits = b[at + 1..]
            .iter()
            .take_while(|d| d.is_ascii_digit())
            .count();
        if digits == 0 {
            return false;
        }
        at += 1 + digits;
    }
    match b.len() - at {
        0 => true,
        1 => is(at, b"Zz"),
        6 => {
            is(at, b"+-")
                && number(at + 1, 2, 0..=23)
                && is(at + 3, b":")
                && number(at + 4, 2, 0..=59)
        }
        _ => false,
    }
}

fn parse_severity(name: &str) -> Option<Severity> {
    Severity::ALL.into_iter().find(|s| s.name() == name)
}

/// A required string field of the top level: its text.
fn required_text<'a>(
    found: &mut Findings,
    value: Option<Json<'a>>,
    key: &str,
) -> Option<Cow<'a, str>> {
    match value {
        Some(Json::String(text)) => Some(text),
        None => {
            found.missing(pointer(&[key]), &format!("the field {key:?}"));
            None
        }
        Some(other) => {
            found.wrong_type(pointer(&[key]), "a string", &other);
            None
        }
    }
}

/// Takes an optional string field: `Some(None)` when absent or null, `None`
/// when it has the wrong type.
fn optional_string(
    found: &mut Findings,
    value: Option<Json>,
    path: &[&str],
) -> Option<Option<String>> {
    match value {
        None | Some(Json::Null) => Some(None),
        Some(Json::String(text)) => Some(Some(text.into_owned())),
        Some(other) => {
            found.wrong_type(pointer(path), "a string", &other);
            None
        }
    }
}

/// An integer within `min..=max`; a violation otherwise. Every range starts
/// at 0 or above, so `u64` holds it, and the message writes the number as
/// JSON has it (no wider integer type, whose formatting weighs on the wasm
/// build).
fn integer(found: &mut Findings, at: At, value: &Json, min: u64, max: u64) -> Option<u64> {
    let n = match value {
        Json::Number(n) if n.is_u64() || n.is_i64() => n,
        other => {
            found.wrong_type(at(), "an integer", other);
            return None;
        }
    };
    match n.as_u64() {
        Some(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            found.violation(
                at(),
                Code::OutOfRange,
                format!("{n} is out of range: expected {min} to {max}"),
            );
            None
        }
    }
}

fn user_id(found: &mut Findings, at: At, value: &Json) -> Option<UserId> {
    match value {
        Json::String(text) => Some(UserId::Text(text.to_string())),
        Json::Number(n) => match n.as_i64() {
            Some(n) => Some(UserId::Number(n)),
            None if n.is_u64() => {
                found.violation(
                    at(),
                    Code::OutOfRange,
                    format!("user id {n} is out of range: expected a 64-bit integer"),
                );
                None
            }
            None => {
                found.wrong_type(at(), "an integer or a string", value);
                None
            }
        },
        other => {
            found.wrong_type(at(), "an integer or a string", other);
            None
        }
    }
}

/// Checks `object` (at `parent`) against a kind's field rules.
fn check_fields(found: &mut Findings, parent: At, object: &Object, fields: &[FieldRule]) {
    for field in fields {
        let at = || {
            let mut at = parent();
            push_token(&mut at, field.name);
            at
        };
        match (get(object, field.name), field.presence) {
            (None, Presence::Required) => {
                found.missing(at(), &format!("the field {:?}", field.name))
            }
            (None, _) | (Some(Json::Null), Presence::Optional) => {}
            (Some(value), _) => check_shape(found, &at, value, field.shape),
        }
    }
}

/// What a shape is, as messages say it.
fn expected(shape: Shape) -> &'static str {
    match shape {
        Text => "a string",
        Flag => "a boolean",
        User => "an integer or a string",
        Shape::Object => "an object",
        Shape::Json => "a JSON value",
        Millis => "a number",
        Count | Status => "an integer",
        Shape::Severity => "a severity: low, medium, high or critical",
        List(_) => "an array",
    }
}

fn check_shape(found: &mut Findings, at: At, value: &Json, shape: Shape) {
    match (shape, value) {
        (Text, Json::String(_))
        | (Flag, Json::Bool(_))
        | (Shape::Object, Json::Object(_))
        | (Shape::Json, _) => {}
        (User, Json::String(_) | Json::Number(_)) => {
            user_id(found, at, value);
        }
        (Millis, Json::Number(n)) => {
            if n.as_f64().is_some_and(|n| n < 0.0) {
                found.violation(
                    at(),
                    Code::OutOfRange,
                    format!("{n} is negative: expected 0 or more"),
                );
            }
        }
        (Count, Json::Number(_)) => {
            integer(found, at, value, 0, u64::MAX);
        }
        (Status, Json::Number(_)) => {
            integer(found, at, value, 100, 599);
        }
        (Shape::Severity, Json::String(name)) => {
            if parse_severity(name).is_none() {
                found.violation(
                    at(),
                    Code::UnknownValue,
                    format!("unknown severity {name:?}: expected low, medium, high or critical"),
                );
            }
        }
        (List(fields), Json::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let item_at = || {
                    let mut item_at = at();
                    push_token(&mut item_at, &index.to_string());
                    item_at
                };
                match item {
                    Json::Object(object) => check_fields(found, &item_at, object, fields),
                    other => found.wrong_type(item_at(), "an object", other),
                }
            }
        }
        (shape, other) => found.wrong_type(at(), expected(shape), other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where and what: a violation without its message.
    type Found = Vec<(String, Code)>;

    /// The violations and warnings of `input`.
    fn check(input: &str, mode: Mode) -> (Found, Found) {
        let value: Value = serde_json::from_str(input).expect("json");
        let mut fields = Fields::default();
        let tree = Tree::of(Json::borrow(&value), &mut fields);
        let (mut violations, mut warnings) = (Vec::new(), Vec::new());
        let received = Timestamp::from_unix_micros(0).expect("epoch");
        event(
            tree,
            &mut fields,
            received,
            mode,
            &mut violations,
            &mut warnings,
        );
        let pairs = |list: Vec<Violation>| list.into_iter().map(|v| (v.pointer, v.code)).collect();
        (pairs(violations), pairs(warnings))
    }

    #[test]
    fn every_kind_with_an_empty_payload_misses_its_required_fields() {
        for &(kind, fields) in KIND_RULES {
            let logger = kind.logger().expect("a kind with rules has a logger");
            let input = format!(
                r#"{{"level":"INFO","logger":"{logger}","message":"m","extra_data":{{}}}}"#
            );
            let (violations, _) = check(&input, Mode::Strict);
            let required: Vec<(String, Code)> = fields
                .iter()
                .filter(|f| f.presence == Presence::Required)
                .map(|f| (format!("/extra_data/{}", f.name), Code::MissingField))
                .collect();
            assert_eq!(violations, required, "{kind:?}");
        }
    }

    #[test]
    fn payload_violations_are_the_validators_under_extra_data() {
        for &(kind, fields) in KIND_RULES {
            let required: Vec<(String, Code)> = fields
                .iter()
                .filter(|f| f.presence == Presence::Required)
                .map(|f| (format!("/{}", f.name), Code::MissingField))
                .collect();
            let found: Vec<(String, Code)> = payload_violations(kind, &Map::new())
                .into_iter()
                .map(|v| (v.pointer, v.code))
                .collect();
            assert_eq!(found, required, "{kind:?}");
        }
        assert_eq!(payload_violations(Kind::Log, &Map::new()), []);
    }

    #[test]
    fn severity_decides_the_level() {
        for severity in Severity::ALL {
            for level in Level::ALL {
                let input = format!(
                    r#"{{"level":"{level}","logger":"security","message":"m","extra_data":{{"event_type":"x","severity":"{}"}}}}"#,
                    severity.name()
                );
                let (violations, _) = check(&input, Mode::Strict);
                let mismatch = vec![("/level".to_owned(), Code::LevelMismatch)];
                let expected = if level == severity.level() {
                    vec![]
                } else {
                    mismatch
                };
                assert_eq!(violations, expected, "{severity:?} at {level}");
            }
        }
    }

    #[test]
    fn lenient_mode_turns_unknown_fields_into_warnings() {
        let input = r#"{"level":"INFO","logger":"a","message":"m","x":1,"context":{"y":2}}"#;
        let unknown = vec![
            ("/x".to_owned(), Code::UnknownField),
            ("/context/y".to_owned(), Code::UnknownField),
        ];
        assert_eq!(check(input, Mode::Strict), (unknown.clone(), vec![]));
        assert_eq!(check(input, Mode::Lenient), (vec![], unknown));
    }

    #[test]
    fn framework_loggers_need_no_payload() {
        let bare = r#"{"level":"ERROR","logger":"django.security.csrf","message":"m"}"#;
        assert_eq!(check(bare, Mode::Strict).0, []);
        let bare = r#"{"level":"ERROR","logger":"security.csrf","message":"m"}"#;
        assert_eq!(check(bare, Mode::Strict).0.len(), 2);
    }

    #[test]
    fn timestamp_shape_is_the_schema_pattern() {
        let fits = [
            "2025-12-26T10:30:45Z",
            "2025-12-26t10:30:45z",
            "2025-12-26 10:30:45.123456",
            "2025-12-26T10:30:45.123456789+03:30",
            "2016-12-31T23:59:60-00:00",
            "0000-01-01T00:00:00",
            "2025-02-30T10:30:45Z", // the shape only: the parser refuses the date
        ];
        let misfits = [
            "",
            "-026-01-30T00:22:00",
            "+2025-12-26T10:30:45Z",
            "12025-12-26T10:30:45Z",
            "2025-1-26T10:30:45Z",
            "2025-13-26T10:30:45Z",
            "2025-12-00T10:30:45Z",
            "2025-12-26X10:30:45Z",
            "2025-12-26T24:00:00Z",
            "2025-12-26T10:60:00Z",
            "2025-12-26T10:30:61Z",
            "2025-12-26T10:30Z",
            "2025-12-26T10:30:45.Z",
            "2025-12-26T10:30:45,5Z",
            "2025-12-26T10:30:45+0330",
            "2025-12-26T10:30:45+24:00",
            "2025-12-26T10:30:45ZZ",
            "2025-12-26T10:30:45 ",
            "۲۰۲۵-12-26T10:30:45Z",
        ];
        for text in fits {
            assert!(timestamp_shape(text), "{text}");
        }
        for text in misfits {
            assert!(!timestamp_shape(text), "{text}");
        }
    }

    #[test]
    fn a_timestamp_reads_back_from_its_own_line() {
        // The year in UTC has four digits, or the event's line would not
        // read back: 0000-01-01 at +01:00 is year -1 in UTC.
        assert!(read_timestamp("0000-01-01T00:30:00+01:00").is_err());
        assert!(read_timestamp("0000-01-01T00:30:00-01:00").is_ok());
        assert!(read_timestamp("9999-12-31T23:30:00-01:00").is_err());
        assert!(read_timestamp("-026-01-30T00:22:00").is_err());
    }
}
