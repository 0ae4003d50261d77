//! The event record: the seed's JSON log record, typed.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::level::Level;
use crate::logger::LoggerName;
use crate::timestamp::Timestamp;

/// Structured data attached to an event: any JSON object, keys in the order
/// they were given.
pub type ExtraData = Map<String, Value>;

/// One log event, as every face of barg sees it.
///
/// The JSON shape is the seed's record: `timestamp`, `level`, `logger`,
/// `message`, then the optional source location, the request context and
/// `extra_data`. Unknown top-level fields are refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// When it happened.
    pub timestamp: Timestamp,
    /// How severe it is.
    pub level: Level,
    /// Which logger produced it; its kind follows from this name.
    pub logger: LoggerName,
    /// The human-readable message.
    pub message: String,
    /// The source module, Python's `%(module)s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The function, Python's `%(funcName)s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// The source line, Python's `%(lineno)d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Who and which request, as the seed's `UserContextMiddleware` attaches.
    #[serde(default, skip_serializing_if = "Context::is_empty")]
    pub context: Context,
    /// Machine-readable data; each event kind defines the keys it needs.
    #[serde(default)]
    pub extra_data: ExtraData,
}

/// The request context that follows every event a request produces.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The authenticated user, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The request's correlation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The client's address, as `get_client_ip` finds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
}

impl<'de> Deserialize<'de> for Context {
    /// Its errors say that they are the context's: read by key, the
    /// object is taken whole first, so their place is where it ends.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = crate::names::Fields::read(deserializer)?;
        let named = |error: D::Error| de::Error::custom(format_args!("context: {error}"));
        let context = Context {
            user_id: fields.optional("user_id").map_err(named)?,
            request_id: fields.optional("request_id").map_err(named)?,
            client_ip: fields.optional("client_ip").map_err(named)?,
        };
        fields.none_other().map_err(named)?;
        Ok(context)
    }
}

impl Context {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.user_id.is_none() && self.request_id.is_none() && self.client_ip.is_none()
    }
}

/// A user id: Django's integer primary key, or a string such as a UUID.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", schemars(untagged), ts(type = "number | string"))]
pub enum UserId {
    /// An integer id.
    Number(i64),
    /// Any other id.
    Text(String),
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserId::Number(n) => write!(f, "{n}"),
            UserId::Text(s) => f.write_str(s),
        }
    }
}

impl From<i64> for UserId {
    fn from(id: i64) -> Self {
        UserId::Number(id)
    }
}

impl From<&str> for UserId {
    fn from(id: &str) -> Self {
        UserId::Text(id.to_owned())
    }
}

impl From<UserId> for Value {
    fn from(id: UserId) -> Self {
        match id {
            UserId::Number(n) => Value::from(n),
            UserId::Text(s) => Value::String(s),
        }
    }
}

impl Serialize for UserId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            UserId::Number(n) => serializer.serialize_i64(*n),
            UserId::Text(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UserIdVisitor;

        impl Visitor<'_> for UserIdVisitor {
            type Value = UserId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a user id: an integer or a string")
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<UserId, E> {
                Ok(UserId::Number(n))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<UserId, E> {
                i64::try_from(n)
                    .map(UserId::Number)
                    .map_err(|_| E::custom(format!("user id {n} is out of range")))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<UserId, E> {
                Ok(UserId::Text(s.to_owned()))
            }
        }

        deserializer.deserialize_any(UserIdVisitor)
    }
}

/// Text that is not an event: what is wrong, and where.
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(.0))]
pub struct EventError(#[from] serde_json::Error);

impl EventError {
    /// The line and column (from 1) in the text where reading stopped.
    pub fn position(&self) -> (usize, usize) {
        (self.0.line(), self.0.column())
    }
}

/// serde_json's message, with its position said for one-line input (the
/// usual NDJSON case) as a column alone: every face words a JSON error so.
/// Columns count from 1; serde_json says 0 for an error found before the
/// first character is taken (an array where an object must be), which is
/// at column 1.
pub(crate) fn describe(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(reason) if error.line() == 1 => format!("{reason} (column {})", error.column().max(1)),
        _ => message,
    }
}

/// What a producer sends: an event whose timestamp may be missing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Event", expecting = "an event object")]
struct Incoming {
    #[serde(default)]
    timestamp: Option<Timestamp>,
    level: Level,
    logger: LoggerName,
    message: String,
    #[serde(default)]
    module: Option<String>,
    #[serde(default)]
    function: Option<String>,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    context: Context,
    #[serde(default)]
    extra_data: ExtraData,
}

impl Event {
    /// A plain log record with no source location, context or data.
    pub fn new(
        timestamp: Timestamp,
        level: Level,
        logger: LoggerName,
        message: impl Into<String>,
    ) -> Event {
        Event {
            timestamp,
            level,
            logger,
            message: message.into(),
            module: None,
            function: None,
            line: None,
            context: Context::default(),
            extra_data: ExtraData::new(),
        }
    }

    /// Sets the source location, as Python's record carries it.
    pub fn at_source(mut self, module: &str, function: &str, line: u32) -> Event {
        self.module = Some(module.to_owned());
        self.function = Some(function.to_owned());
        self.line = Some(line);
        self
    }

    /// Sets the request context.
    pub fn with_context(mut self, context: Context) -> Event {
        self.context = context;
        self
    }

    /// Sets the structured data.
    pub fn with_extra_data(mut self, extra_data: ExtraData) -> Event {
        self.extra_data = extra_data;
        self
    }

    /// Reads one event from JSON text. An event without a timestamp gets
    /// `received`, the time the caller took it in.
    pub fn from_json(text: &str, received: Timestamp) -> Result<Event, EventError> {
        let mut reader = serde_json::Deserializer::from_str(text);
        let incoming = Incoming::deserialize(ObjectOnly(&mut reader))?;
        reader.end()?;
        Ok(Event {
            timestamp: incoming.timestamp.unwrap_or(received),
            level: incoming.level,
            logger: incoming.logger,
            message: incoming.message,
            module: incoming.module,
            function: incoming.function,
            line: incoming.line,
            context: incoming.context,
            extra_data: incoming.extra_data,
        })
    }
}

/// serde_json's reader asked for an object alone. serde's derive also reads
/// a struct from an array of its fields in order, which no producer writes
/// and the validator refuses; asked for the object form only, the event's
/// reader neither takes an array nor carries the code that would.
struct ObjectOnly<'a, 'de>(&'a mut serde_json::Deserializer<serde_json::de::StrRead<'de>>);

impl<'de> Deserializer<'de> for ObjectOnly<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_an_object() {
        let at = Timestamp::EPOCH;
        let fields_in_order = r#"["2025-12-26T10:30:45Z","INFO","a","m"]"#;
        assert!(Event::from_json(fields_in_order, at).is_err());
        assert!(Event::from_json(r#"{"level":"INFO","logger":"a","message":"m"}"#, at).is_ok());
    }

    #[test]
    fn a_context_is_read_by_key() {
        let read = |text: &str| serde_json::from_str::<Context>(text).map_err(|e| e.to_string());
        assert_eq!(
            read(r#"{"user_id":5,"request_id":"r","client_ip":null}"#),
            Ok(Context {
                user_id: Some(UserId::Number(5)),
                request_id: Some("r".to_owned()),
                client_ip: None,
            })
        );
        assert_eq!(read("{}"), Ok(Context::default()));
        assert_eq!(
            read(r#"{"user":1}"#),
            Err(
                "context: unknown field `user`, expected one of `user_id`, `request_id`, `client_ip`"
                    .to_owned()
            )
        );
        assert_eq!(
            read(r#"{"request_id":5}"#),
            Err("context: request_id: invalid type: integer `5`, expected a string".to_owned())
        );
        assert!(read("[1]").is_err());
    }
}
