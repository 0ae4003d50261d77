//! Event kinds: what an event is follows from its logger, and each kind has a
//! constructor that mirrors one of the seed's logging helpers.
//!
//! The constructors are pure: they take the time as an argument and return
//! events. Each kind's payload struct is also the shape of its `extra_data`,
//! so the constructor and the validator share one definition.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::event::{Event, ExtraData, UserId};
use crate::level::Level;
use crate::logger::LoggerName;
use crate::names::Fields;
use crate::timestamp::Timestamp;

/// What an event is, decided by its logger (see [`KIND_LOGGERS`]).
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A plain log record from an application logger.
    Log,
    /// A user-behaviour analytics event ([`Analytics`]).
    Analytics,
    /// An audit-trail entry ([`UserAction`]).
    Audit,
    /// A security event ([`SecurityEvent`]).
    Security,
    /// The timing of an operation ([`Operation`]).
    Operation,
    /// The seed's slow request warning ([`SlowRequest`]).
    SlowRequest,
    /// Database statistics for one request ([`DbStats`]).
    DbStats,
    /// An HTTP request and its response ([`HttpRequest`]).
    HttpRequest,
    /// An API error ([`ApiError`]).
    ApiError,
}

/// Which loggers make which kinds. An event belongs to the kind of the
/// longest entry its logger is within, so `django.security.csrf` is a
/// security event and `performance.db` is not an operation timing.
#[rustfmt::skip]
pub const KIND_LOGGERS: &[(&str, Kind)] = &[
    ("analytics",            Kind::Analytics),
    ("audit",                Kind::Audit),
    ("security",             Kind::Security),
    ("django.security",      Kind::Security),
    ("performance",          Kind::Operation),
    ("performance.requests", Kind::SlowRequest),
    ("performance.db",       Kind::DbStats),
    ("django.request",       Kind::HttpRequest),
    ("api",                  Kind::ApiError),
];

impl Kind {
    /// The kind of events from `logger`.
    pub fn of(logger: &LoggerName) -> Kind {
        KIND_LOGGERS
            .iter()
            .filter(|(name, _)| logger.is_within(name))
            .max_by_key(|(name, _)| name.len())
            .map_or(Kind::Log, |&(_, kind)| kind)
    }

    /// The kind's name, as serde writes it. Spelled out so that the wasm
    /// build names a kind without serde_json's value serializer.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Log => "log",
            Kind::Analytics => "analytics",
            Kind::Audit => "audit",
            Kind::Security => "security",
            Kind::Operation => "operation",
            Kind::SlowRequest => "slow_request",
            Kind::DbStats => "db_stats",
            Kind::HttpRequest => "http_request",
            Kind::ApiError => "api_error",
        }
    }

    /// The logger that this kind's constructor uses; `None` for plain records.
    pub fn logger(self) -> Option<&'static str> {
        KIND_LOGGERS
            .iter()
            .find(|&&(_, kind)| kind == self)
            .map(|&(name, _)| name)
    }
}

/// Limits past which the seed's monitoring speaks up. The defaults are the
/// seed's.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// A request slower than this, in milliseconds, is a slow request.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub slow_request_ms: f64,
    /// More queries than this in one request is high database usage.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub db_query_count: u64,
    /// More total query time than this, in milliseconds, is high usage.
    #[cfg_attr(feature = "schema", ts(optional = nullable))]
    pub db_total_time_ms: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            slow_request_ms: 1000.0,
            db_query_count: 50,
            db_total_time_ms: 500.0,
        }
    }
}

impl<'de> Deserialize<'de> for Thresholds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        let seed = Thresholds::default();
        let thresholds = Thresholds {
            slow_request_ms: fields.or("slow_request_ms", seed.slow_request_ms)?,
            db_query_count: fields.or("db_query_count", seed.db_query_count)?,
            db_total_time_ms: fields.or("db_total_time_ms", seed.db_total_time_ms)?,
        };
        fields.none_other()?;
        Ok(thresholds)
    }
}

/// The seed's `log_analytics_event`: logger `analytics`, level INFO, message
/// `Analytics: {category}.{name}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct Analytics {
    /// What happened, such as `story_started`.
    pub event_name: String,
    /// The area, such as `stories`.
    pub event_category: String,
    /// Who did it, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// Anything else worth counting.
    #[serde(default)]
    pub properties: ExtraData,
}

impl Analytics {
    /// The event, stamped `at`.
    pub fn into_event(self, at: Timestamp) -> Event {
        let message = format!("Analytics: {}.{}", self.event_category, self.event_name);
        let payload = Payload::default()
            .with("event_name", self.event_name)
            .with("event_category", self.event_category)
            .with_some("user_id", self.user_id)
            .with("properties", self.properties)
            .0;
        kind_event(Kind::Analytics, at, Level::Info, message, payload)
    }
}

/// The seed's `log_user_action`: an audit-trail entry, logger `audit`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct UserAction {
    /// What the user did, such as `story_completed`.
    pub action: String,
    /// Who did it.
    pub user_id: UserId,
    /// Their email, which the audit trail keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    /// What it was done to; merged after the fields above.
    #[serde(flatten)]
    pub extra_data: ExtraData,
}

impl UserAction {
    /// The event, stamped `at`.
    pub fn into_event(self, at: Timestamp) -> Event {
        let message = format!("User action: {}", self.action);
        let payload = Payload::default()
            .with("action", self.action)
            .with("user_id", self.user_id)
            .with_some("user_email", self.user_email)
            .merged(self.extra_data);
        kind_event(Kind::Audit, at, Level::Info, message, payload)
    }
}

/// How bad a security event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Logged at INFO.
    Low,
    /// Logged at WARNING.
    Medium,
    /// Logged at ERROR.
    High,
    /// Logged at CRITICAL.
    Critical,
}

impl Severity {
    /// Every severity, least severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The name, as `extra_data.severity` holds it.
    pub const fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The level a security event of this severity is logged at.
    pub fn level(self) -> Level {
        match self {
            Severity::Low => Level::Info,
            Severity::Medium => Level::Warning,
            Severity::High => Level::Error,
            Severity::Critical => Level::Critical,
        }
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::names::by_name(
            deserializer,
            &Severity::ALL,
            &["low", "medium", "high", "critical"],
        )
    }
}

/// The seed's `log_security_event`: logger `security`, level from severity,
/// the description as the message.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct SecurityEvent {
    /// What kind of incident, such as `auth_failure`.
    pub event_type: String,
    /// How bad it is; decides the level.
    pub severity: Severity,
    /// The message.
    #[serde(skip)]
    pub description: String,
    /// Where it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Anything else; merged after the fields above.
    #[serde(flatten)]
    pub extra_data: ExtraData,
}

impl SecurityEvent {
    /// The event, stamped `at`.
    pub fn into_event(self, at: Timestamp) -> Event {
        let level = self.severity.level();
        let message = self.description;
        let payload = Payload::default()
            .with("event_type", self.event_type)
            .with("severity", self.severity.name())
            .with_some("ip_address", self.ip_address)
            .merged(self.extra_data);
        kind_event(Kind::Security, at, level, message, payload)
    }
}

/// What the seed's `log_performance` decorator and `log_operation` context
/// manager record when an operation ends: logger `performance`, INFO when it
/// succeeded, ERROR when it failed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct Operation {
    /// The operation, such as `pdf_generation`.
    pub operation: String,
    /// How long it took.
    #[cfg_attr(feature = "schema", schemars(range(min = 0)))]
    pub duration_ms: f64,
    /// Whether it succeeded.
    pub success: bool,
    /// The exception's type when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// The exception's message when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the operation worked on; merged after the fields above.
    #[serde(flatten)]
    pub extra_data: ExtraData,
}

impl Operation {
    /// A successful operation.
    pub fn succeeded(operation: &str, duration_ms: f64, extra_data: ExtraData) -> Operation {
        Operation {
            operation: operation.to_owned(),
            duration_ms,
            success: true,
            error_type: None,
            error: None,
            extra_data,
        }
    }

    /// A failed operation and the error that ended it.
    pub fn failed(
        operation: &str,
        duration_ms: f64,
        error_type: &str,
        error: &str,
        extra_data: ExtraData,
    ) -> Operation {
        Operation {
            success: false,
            error_type: Some(error_type.to_owned()),
            error: Some(error.to_owned()),
            ..Operation::succeeded(operation, duration_ms, extra_data)
        }
    }

    /// The event, stamped `at`.
    pub fn into_event(self, at: Timestamp) -> Event {
        let (level, message) = if self.success {
            (
                Level::Info,
                format!(
                    "Operation completed: {} in {:.2}ms",
                    self.operation, self.duration_ms
                ),
            )
        } else {
            (
                Level::Error,
                format!(
                    "Operation failed: {} after {:.2}ms: {}",
                    self.operation,
                    self.duration_ms,
                    self.error.as_deref().unwrap_or("unknown error")
                ),
            )
        };
        let payload = Payload::default()
            .with("operation", self.operation)
            .with("duration_ms", self.duration_ms)
            .with("success", self.success)
            .with_some("error_type", self.error_type)
            .with_some("error", self.error)
            .merged(self.extra_data);
        kind_event(Kind::Operation, at, level, message, payload)
    }
}

/// The seed's `log_api_error`: logger `api`, level ERROR.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct ApiError {
    /// The exception's type, such as `ValidationError`.
    pub error_type: String,
    /// The exception's message.
    pub error_message: String,
    /// The request path.
    pub path: String,
    /// The request method.
    pub method: String,
    /// The user, when authenticated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The request body, which the sanitizer cleans before it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_data: Option<Value>,
}

impl ApiError {
    /// The event, stamped `at`.
    pub fn into_event(self, at: Timestamp) -> Event {
        let message = format!(
            "API error: {} {}: {}: {}",
            self.method, self.path, self.error_type, self.error_message
        );
        let payload = Payload::default()
            .with("error_type", self.error_type)
            .with("error_message", self.error_message)
            .with("path", self.path)
            .with("method", self.method)
            .with_some("user_id", self.user_id)
            .with_some("request_data", self.request_data)
            .0;
        kind_event(Kind::ApiError, at, Level::Error, message, payload)
    }
}

/// What the seed's `RequestLoggingMiddleware` records for each request:
/// logger `django.request`, INFO below 400, WARNING for 4xx, ERROR for 5xx.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct HttpRequest {
    /// The method, such as `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, without the `?`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The response status, 100 to 599.
    #[cfg_attr(feature = "schema", schemars(range(min = 100, max = 599)))]
    pub status: u16,
    /// How long the response took.
    #[cfg_attr(feature = "schema", schemars(range(min = 0)))]
    pub duration_ms: f64,
    /// The user, when authenticated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The client's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    /// The client's `User-Agent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// The events one request produces: the request itself and, when it was
/// slow, the seed's warning for the performance log.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestEvents {
    /// The `django.request` event.
    pub request: Event,
    /// The `performance.requests` warning, when the request was slow.
    pub slow: Option<Event>,
}

impl RequestEvents {
    /// Both events, the request first.
    pub fn into_vec(self) -> Vec<Event> {
        std::iter::once(self.request).chain(self.slow).collect()
    }
}

impl HttpRequest {
    /// The level that the response status calls for.
    pub fn level(&self) -> Level {
        match self.status {
            500.. => Level::Error,
            400..=499 => Level::Warning,
            _ => Level::Info,
        }
    }

    /// The request event and, past `thresholds.slow_request_ms`, the slow
    /// request warning, both stamped `at`.
    pub fn into_events(self, at: Timestamp, thresholds: &Thresholds) -> RequestEvents {
        let slow = (self.duration_ms > thresholds.slow_request_ms).then(|| {
            SlowRequest {
                method: self.method.clone(),
                path: self.path.clone(),
                status: self.status,
                duration_ms: self.duration_ms,
                threshold_ms: thresholds.slow_request_ms,
            }
            .into_event(at)
        });
        let message = format!(
            "{} {} {} ({:.2}ms)",
            self.method, self.path, self.status, self.duration_ms
        );
        let level = self.level();
        let payload = Payload::default()
            .with("method", self.method)
            .with("path", self.path)
            .with_some("query", self.query)
            .with("status", self.status)
            .with("duration_ms", self.duration_ms)
            .with_some("user_id", self.user_id)
            .with_some("client_ip", self.client_ip)
            .with_some("user_agent", self.user_agent)
            .0;
        let request = kind_event(Kind::HttpRequest, at, level, message, payload);
        RequestEvents { request, slow }
    }
}

/// The seed's `Slow request detected: POST /path took 1523.45ms` warning:
/// logger `performance.requests`, level WARNING.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct SlowRequest {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The response status.
    #[cfg_attr(feature = "schema", schemars(range(min = 100, max = 599)))]
    pub status: u16,
    /// How long it took.
    #[cfg_attr(feature = "schema", schemars(range(min = 0)))]
    pub duration_ms: f64,
    /// The limit it passed.
    #[cfg_attr(feature = "schema", schemars(range(min = 0)))]
    pub threshold_ms: f64,
}

impl SlowRequest {
    /// The event, stamped `at`.
    pub fn into_event(self, at: Timestamp) -> Event {
        let message = format!(
            "Slow request detected: {} {} took {:.2}ms",
            self.method, self.path, self.duration_ms
        );
        let payload = Payload::default()
            .with("method", self.method)
            .with("path", self.path)
            .with("status", self.status)
            .with("duration_ms", self.duration_ms)
            .with("threshold_ms", self.threshold_ms)
            .0;
        kind_event(Kind::SlowRequest, at, Level::Warning, message, payload)
    }
}

/// One query among a request's slowest.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct SlowQuery {
    /// The SQL text.
    pub sql: String,
    /// How long it took.
    #[cfg_attr(feature = "schema", schemars(range(min = 0)))]
    pub time_ms: f64,
}

/// What the seed's `DatabaseQueryLoggingMiddleware` records for a request:
/// logger `performance.db`, WARNING when flagged, else DEBUG.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(optional_fields = nullable))]
pub struct DbStats {
    /// The request path, when the stats belong to a request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How many queries ran.
    #[cfg_attr(feature = "schema", ts(type = "number"))]
    pub query_count: u64,
    /// Their total time.
    #[cfg_attr(feature = "schema", schemars(range(min = 0)))]
    pub total_time_ms: f64,
    /// The slowest queries, slowest first.
    pub slowest_queries: Vec<SlowQuery>,
    /// Set by [`DbStats::into_event`]: whether a threshold was passed.
    pub flagged: bool,
}

impl DbStats {
    /// How many of the slowest queries an event keeps.
    pub const SLOWEST_KEPT: usize = 5;

    /// Statistics over `queries`, each a SQL text and its time.
    pub fn from_queries(path: Option<&str>, queries: &[(&str, f64)]) -> DbStats {
        let mut slowest: Vec<SlowQuery> = queries
            .iter()
            .map(|&(sql, time_ms)| SlowQuery {
                sql: sql.to_owned(),
                time_ms,
            })
            .collect();
        slowest.sort_by(|a, b| b.time_ms.total_cmp(&a.time_ms));
        slowest.truncate(Self::SLOWEST_KEPT);
        DbStats {
            path: path.map(str::to_owned),
            query_count: queries.len() as u64,
            total_time_ms: queries.iter().map(|&(_, t)| t).sum(),
            slowest_queries: slowest,
            flagged: false,
        }
    }

    /// The event, stamped `at`, flagged past either threshold.
    pub fn into_event(mut self, at: Timestamp, thresholds: &Thresholds) -> Event {
        self.flagged = self.query_count > thresholds.db_query_count
            || self.total_time_ms > thresholds.db_total_time_ms;
        let place = self
            .path
            .as_deref()
            .map(|p| format!(" on {p}"))
            .unwrap_or_default();
        let (level, what) = if self.flagged {
            (Level::Warning, "High database usage")
        } else {
            (Level::Debug, "Database usage")
        };
        let message = format!(
            "{what}{place}: {} queries in {:.2}ms",
            self.query_count, self.total_time_ms
        );
        let slowest = self.slowest_queries.into_iter().map(|query| {
            let query = Payload::default()
                .with("sql", query.sql)
                .with("time_ms", query.time_ms);
            Value::Object(query.0)
        });
        let payload = Payload::default()
            .with_some("path", self.path)
            .with("query_count", self.query_count)
            .with("total_time_ms", self.total_time_ms)
            .with("slowest_queries", Value::Array(slowest.collect()))
            .with("flagged", self.flagged)
            .0;
        kind_event(Kind::DbStats, at, level, message, payload)
    }
}

impl<'de> Deserialize<'de> for Analytics {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(Analytics {
            event_name: fields.required("event_name")?,
            event_category: fields.required("event_category")?,
            user_id: fields.optional("user_id")?,
            properties: fields.defaulted("properties")?,
        })
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(ApiError {
            error_type: fields.required("error_type")?,
            error_message: fields.required("error_message")?,
            path: fields.required("path")?,
            method: fields.required("method")?,
            user_id: fields.optional("user_id")?,
            request_data: fields.optional("request_data")?,
        })
    }
}

impl<'de> Deserialize<'de> for HttpRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(HttpRequest {
            method: fields.required("method")?,
            path: fields.required("path")?,
            query: fields.optional("query")?,
            status: fields.required("status")?,
            duration_ms: fields.required("duration_ms")?,
            user_id: fields.optional("user_id")?,
            client_ip: fields.optional("client_ip")?,
            user_agent: fields.optional("user_agent")?,
        })
    }
}

impl<'de> Deserialize<'de> for DbStats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(DbStats {
            path: fields.optional("path")?,
            query_count: fields.required("query_count")?,
            total_time_ms: fields.required("total_time_ms")?,
            slowest_queries: fields.required("slowest_queries")?,
            flagged: fields.required("flagged")?,
        })
    }
}

impl<'de> Deserialize<'de> for SlowRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(SlowRequest {
            method: fields.required("method")?,
            path: fields.required("path")?,
            status: fields.required("status")?,
            duration_ms: fields.required("duration_ms")?,
            threshold_ms: fields.required("threshold_ms")?,
        })
    }
}

impl<'de> Deserialize<'de> for SlowQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(SlowQuery {
            sql: fields.required("sql")?,
            time_ms: fields.required("time_ms")?,
        })
    }
}

impl<'de> Deserialize<'de> for UserAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(UserAction {
            action: fields.required("action")?,
            user_id: fields.required("user_id")?,
            user_email: fields.optional("user_email")?,
            extra_data: fields.object,
        })
    }
}

impl<'de> Deserialize<'de> for SecurityEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(SecurityEvent {
            event_type: fields.required("event_type")?,
            severity: fields.required("severity")?,
            description: String::new(),
            ip_address: fields.optional("ip_address")?,
            extra_data: fields.object,
        })
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        Ok(Operation {
            operation: fields.required("operation")?,
            duration_ms: fields.required("duration_ms")?,
            success: fields.required("success")?,
            error_type: fields.optional("error_type")?,
            error: fields.optional("error")?,
            extra_data: fields.object,
        })
    }
}

/// The seed's plain `logger.info(message, extra={"extra_data": ...})`.
pub fn log_record(
    at: Timestamp,
    level: Level,
    logger: LoggerName,
    message: impl Into<String>,
    extra_data: ExtraData,
) -> Event {
    Event::new(at, level, logger, message).with_extra_data(extra_data)
}

/// An event of `kind` on its own logger, with a payload as its `extra_data`.
fn kind_event(
    kind: Kind,
    at: Timestamp,
    level: Level,
    message: String,
    payload: ExtraData,
) -> Event {
    // Every kind with a constructor has a logger in `KIND_LOGGERS`, and every
    // name there is valid: the `kind_loggers_are_valid` test holds it true.
    let logger = LoggerName::trusted(kind.logger().unwrap_or("barg"));
    Event::new(at, level, logger, message).with_extra_data(payload)
}

/// A payload's object, built in the order and by the rules of the payload
/// types' `Serialize` derives (a `None` left out, a flattened `extra_data`
/// merged last: a repeated key keeps its first place and takes the later
/// value), which the tests hold it to. Built by hand rather than through
/// serde's serializer, which nothing else in the npm package uses.
#[derive(Default)]
struct Payload(ExtraData);

impl Payload {
    fn with(mut self, key: &str, value: impl Into<Value>) -> Payload {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    fn with_some(self, key: &str, value: Option<impl Into<Value>>) -> Payload {
        match value {
            Some(value) => self.with(key, value),
            None => self,
        }
    }

    /// The object, with `extra_data`'s entries after the fields.
    fn merged(mut self, extra_data: ExtraData) -> ExtraData {
        self.0.extend(extra_data);
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{FieldRule, KIND_RULES, Presence, Shape};
    use serde::de::DeserializeOwned;

    #[test]
    fn names_are_serde_names() {
        for kind in KIND_LOGGERS
            .iter()
            .map(|&(_, kind)| kind)
            .chain([Kind::Log])
        {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }

    /// Each kind's `extra_data` is what serde's derive writes for its
    /// payload, with its keys in the same order: every optional field
    /// absent and present, and extra data that repeats the fields' keys.
    #[test]
    fn payloads_are_what_serde_writes() {
        fn same(payload: &impl Serialize, event: Event) {
            let value = serde_json::to_value(payload).unwrap();
            let ours = Value::Object(event.extra_data);
            assert_eq!(ours, value);
            assert_eq!(ours.to_string(), value.to_string());
        }
        let at = Timestamp::EPOCH;
        let thresholds = Thresholds::default();
        let extra: ExtraData = serde_json::from_str(
            r#"{"action":"again","operation":"again","success":"again","event_type":"again","severity":"again","user_id":"again","n":0.1,"big":18446744073709551615,"neg":-3,"deep":{"a":[1.5e300,null,true]}}"#,
        )
        .unwrap();
        for present in [false, true] {
            let text = |s: &str| present.then(|| s.to_owned());
            let user = present.then_some(UserId::Number(-7));
            let analytics = Analytics {
                event_name: "started".into(),
                event_category: "stories".into(),
                user_id: user.clone(),
                properties: if present {
                    extra.clone()
                } else {
                    ExtraData::new()
                },
            };
            same(&analytics, analytics.clone().into_event(at));
            let action = UserAction {
                action: "a".into(),
                user_id: UserId::Text("u-1".into()),
                user_email: text("a@example.com"),
                extra_data: extra.clone(),
            };
            same(&action, action.clone().into_event(at));
            let security = SecurityEvent {
                event_type: "auth_failure".into(),
                severity: Severity::High,
                description: "Failed login".into(),
                ip_address: text("10.0.0.1"),
                extra_data: extra.clone(),
            };
            same(&security, security.clone().into_event(at));
            let operation = if present {
                Operation::failed("op", 1523.456, "OSError", "disk", extra.clone())
            } else {
                Operation::succeeded("op", f64::NAN, ExtraData::new())
            };
            same(&operation, operation.clone().into_event(at));
            let api = ApiError {
                error_type: "E".into(),
                error_message: "m".into(),
                path: "/".into(),
                method: "POST".into(),
                user_id: user.clone(),
                request_data: present.then(|| Value::Object(extra.clone())),
            };
            same(&api, api.clone().into_event(at));
            let request = HttpRequest {
                method: "GET".into(),
                path: "/".into(),
                query: text("q=1"),
                status: 201,
                duration_ms: if present { 1500.25 } else { 5.0 },
                user_id: user.clone(),
                client_ip: text("10.0.0.2"),
                user_agent: text("ua"),
            };
            let events = request.clone().into_events(at, &thresholds);
            same(&request, events.request);
            let slow = SlowRequest {
                method: "GET".into(),
                path: "/".into(),
                status: 201,
                duration_ms: 1500.25,
                threshold_ms: thresholds.slow_request_ms,
            };
            assert_eq!(events.slow.is_some(), present);
            if let Some(event) = events.slow {
                same(&slow, event);
            }
            let queries: Vec<(&str, f64)> = if present {
                vec![("SELECT 1", 0.1 + 0.2); 60]
            } else {
                vec![("SELECT 1", 0.1 + 0.2), ("SELECT 2", 3.0)]
            };
            let stats = DbStats::from_queries(present.then_some("/x"), &queries);
            let flagged = DbStats {
                flagged: present,
                ..stats.clone()
            };
            same(&flagged, stats.into_event(at, &thresholds));
        }
    }

    /// serde's own `flatten`, which the flattened payloads read as.
    #[derive(Debug, Deserialize)]
    struct DerivedUserAction {
        action: String,
        user_id: UserId,
        user_email: Option<String>,
        #[serde(flatten)]
        extra_data: ExtraData,
    }

    #[derive(Debug, Deserialize)]
    struct DerivedSecurityEvent {
        event_type: String,
        severity: Severity,
        ip_address: Option<String>,
        #[serde(flatten)]
        extra_data: ExtraData,
    }

    #[test]
    fn flattened_payloads_read_as_serde_flatten_does() {
        let inputs = [
            r#"{"story_id":9,"action":"done","x":{"y":[1,2.5]},"user_id":5,"user_email":"a@b.c","z":null}"#,
            r#"{"action":"done","user_id":"u","user_email":null,"description":"d"}"#,
            r#"{"event_type":"auth","severity":"high","ip_address":null,"a":1,"b":2}"#,
            r#"{"b":2,"severity":"low","a":1,"event_type":"x","ip_address":"5.1.2.3"}"#,
            r#"{"action":"done"}"#,
            r#"{"action":5,"user_id":1}"#,
            r#"{"event_type":"x","severity":"dire"}"#,
            r#"{"event_type":"x"}"#,
            r#"[]"#,
        ];
        for input in inputs {
            let ours = serde_json::from_str::<UserAction>(input);
            let serdes = serde_json::from_str::<DerivedUserAction>(input);
            assert_eq!(ours.is_ok(), serdes.is_ok(), "{input}");
            if let (Ok(ours), Ok(serdes)) = (ours, serdes) {
                assert_eq!(
                    (ours.action, ours.user_id, ours.user_email),
                    (serdes.action, serdes.user_id, serdes.user_email)
                );
                assert_eq!(
                    serde_json::to_string(&ours.extra_data).unwrap(),
                    serde_json::to_string(&serdes.extra_data).unwrap(),
                    "{input}"
                );
            }
            let ours = serde_json::from_str::<SecurityEvent>(input);
            let serdes = serde_json::from_str::<DerivedSecurityEvent>(input);
            assert_eq!(ours.is_ok(), serdes.is_ok(), "{input}");
            if let (Ok(ours), Ok(serdes)) = (ours, serdes) {
                assert_eq!(
                    (ours.event_type, ours.severity, ours.ip_address),
                    (serdes.event_type, serdes.severity, serdes.ip_address)
                );
                assert_eq!(
                    serde_json::to_string(&ours.extra_data).unwrap(),
                    serde_json::to_string(&serdes.extra_data).unwrap(),
                    "{input}"
                );
            }
        }
        let missing = serde_json::from_str::<UserAction>(r#"{"action":"done"}"#).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `user_id`");
        let wrong = serde_json::from_str::<Operation>(
            r#"{"operation":"o","duration_ms":"slow","success":true}"#,
        )
        .unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "duration_ms: invalid type: string \"slow\", expected f64"
        );
    }

    /// A value of `shape`, and the same value as the payload writes it.
    fn sample(shape: Shape) -> (Value, Value) {
        use serde_json::json;
        let same = |value: Value| (value.clone(), value);
        match shape {
            Shape::Text => same(json!("text")),
            Shape::Flag => same(json!(true)),
            Shape::User => same(json!(7)),
            Shape::Object | Shape::Json => same(json!({"a": [1, "b"]})),
            Shape::Millis => (json!(2), json!(2.0)),
            Shape::Count => same(json!(3)),
            Shape::Status => same(json!(404)),
            Shape::Severity => same(json!("high")),
            Shape::List(fields) => {
                let (read, written) = sample_object(fields);
                (json!([read]), json!([written]))
            }
        }
    }

    fn sample_object(fields: &[FieldRule]) -> (Value, Value) {
        let mut read = ExtraData::new();
        let mut written = ExtraData::new();
        for field in fields {
            let (value, as_written) = sample(field.shape);
            read.insert(field.name.to_owned(), value);
            written.insert(field.name.to_owned(), as_written);
        }
        (Value::Object(read), Value::Object(written))
    }

    /// The payload read from `object` and written back, or the error.
    fn read_back<T: DeserializeOwned + Serialize>(object: Value) -> Result<Value, String> {
        let payload: T = serde_json::from_value(object).map_err(|e| e.to_string())?;
        Ok(serde_json::to_value(payload).unwrap())
    }

    #[test]
    fn every_payload_reads_its_kind_rules() {
        for &(kind, fields) in KIND_RULES {
            let read_back: fn(Value) -> Result<Value, String> = match kind {
                Kind::Analytics => read_back::<Analytics>,
                Kind::Audit => read_back::<UserAction>,
                Kind::Security => read_back::<SecurityEvent>,
                Kind::Operation => read_back::<Operation>,
                Kind::SlowRequest => read_back::<SlowRequest>,
                Kind::DbStats => read_back::<DbStats>,
                Kind::HttpRequest => read_back::<HttpRequest>,
                Kind::ApiError => read_back::<ApiError>,
                Kind::Log => unreachable!("plain records have no rules"),
            };
            // Every field is read, and written back as it was.
            let (object, written) = sample_object(fields);
            let back = read_back(object.clone()).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            for field in fields {
                assert_eq!(back.get(field.name), written.get(field.name), "{kind:?}");
            }
            // Each required field is required, and only those.
            for field in fields {
                let mut without = object.clone();
                without.as_object_mut().unwrap().shift_remove(field.name);
                let read = read_back(without);
                match field.presence {
                    Presence::Required => {
                        assert_eq!(read.unwrap_err(), format!("missing field `{}`", field.name))
                    }
                    _ => assert!(read.is_ok(), "{kind:?} {}", field.name),
                }
            }
        }
    }

    #[test]
    fn thresholds_take_the_seeds_defaults_and_no_other_key() {
        let read = |text: &str| serde_json::from_str::<Thresholds>(text).map_err(|e| e.to_string());
        assert_eq!(read("{}"), Ok(Thresholds::default()));
        assert_eq!(
            read(r#"{"db_query_count":3}"#),
            Ok(Thresholds {
                db_query_count: 3,
                ..Thresholds::default()
            })
        );
        assert_eq!(
            read(r#"{"slow_ms":3}"#),
            Err("unknown field `slow_ms`, expected one of `slow_request_ms`, `db_query_count`, `db_total_time_ms`".to_owned())
        );
        assert_eq!(
            read(r#"{"db_query_count":-1}"#),
            Err("db_query_count: invalid value: integer `-1`, expected u64".to_owned())
        );
    }

    #[test]
    fn kind_loggers_are_valid() {
        for &(name, kind) in KIND_LOGGERS {
            let logger = LoggerName::new(name).expect(name);
            assert_eq!(Kind::of(&logger), kind, "{name}");
            assert!(kind.logger().is_some());
        }
        assert_eq!(Kind::Log.logger(), None);
    }

    #[test]
    fn kind_follows_the_logger() {
        let cases = [
            ("analytics", Kind::Analytics),
            ("audit", Kind::Audit),
            ("security", Kind::Security),
            ("django.security", Kind::Security),
            ("django.security.csrf", Kind::Security),
            ("performance", Kind::Operation),
            ("performance.pdf", Kind::Operation),
            ("performance.requests", Kind::SlowRequest),
            ("performance.db", Kind::DbStats),
            ("django.request", Kind::HttpRequest),
            ("api", Kind::ApiError),
            ("django", Kind::Log),
            ("stories.generation", Kind::Log),
            ("analyticsx", Kind::Log),
            ("shop.security", Kind::Log),
        ];
        for (logger, kind) in cases {
            assert_eq!(
                Kind::of(&LoggerName::new(logger).unwrap()),
                kind,
                "{logger}"
            );
        }
    }
}
