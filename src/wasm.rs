//! The JavaScript face of the core, for the npm package. Each export turns
//! its input into text, calls the core, and turns the result back into a JS
//! value; every error goes through [`into_error`].
//!
//! Events cross the boundary as JSON text (`JSON.stringify` and
//! `JSON.parse` are the engine's own, fast, and cost no wasm size), and are
//! read by exactly the functions the native binary uses.

use std::fmt::Display;

use js_sys::{Array, JSON, JsString, Uint8Array};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::event::{Context, Event, ExtraData, describe};
use crate::format::{Format, Formatter, json};
use crate::kind::{
    Analytics, ApiError, DbStats, HttpRequest, SecurityEvent, Thresholds, UserAction,
};
use crate::kind::{Kind, Operation};
use crate::level::Level;
use crate::logger::{Logger as CoreLogger, LoggerName};
use crate::names::Fields;
use crate::pipeline::Pipeline as CorePipeline;
use crate::route::{REJECTED_LOG, RouteTable};
use crate::sanitize::{Redaction, Report, Sanitizer as CoreSanitizer, SanitizerConfig};
use crate::timestamp::{Timestamp, parse_offset};
use crate::validate::{
    Code, Validator, ValidatorConfig, Verdict, Violation, describe_all, payload_violations,
};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = concat!(
    include_str!("../ts/barg.d.ts"),
    include_str!("../ts/api.d.ts")
);

// The TypeScript types of the JS values the exports take, so that the
// declarations say precisely what each argument is.
#[wasm_bindgen]
extern "C" {
    /// An event as an object or as JSON text.
    #[wasm_bindgen(typescript_type = "EventInput | string")]
    pub type EventArg;
    /// Many events: an array, a JSON array, or NDJSON text.
    #[wasm_bindgen(typescript_type = "Array<EventInput | string> | string")]
    pub type BatchArg;
    /// Options of `format`.
    #[wasm_bindgen(typescript_type = "FormatOptions")]
    pub type FormatOptionsArg;
    /// Options of `route`.
    #[wasm_bindgen(typescript_type = "RouteOptions")]
    pub type RouteOptionsArg;
    /// A request context.
    #[wasm_bindgen(typescript_type = "Context")]
    pub type ContextArg;
    /// Structured data for `extra_data`.
    #[wasm_bindgen(typescript_type = "Record<string, unknown>")]
    pub type ExtraDataArg;
    /// The sanitizer's configuration.
    #[wasm_bindgen(typescript_type = "SanitizerConfig")]
    pub type SanitizerConfigArg;
    /// Any JSON value, or JSON text.
    #[wasm_bindgen(typescript_type = "JsonValue")]
    pub type JsonArg;
    /// Many JSON values: an array (a string in it is JSON text), a JSON
    /// array, or NDJSON text.
    #[wasm_bindgen(typescript_type = "Array<JsonValue> | string")]
    pub type JsonBatchArg;
    /// The validator's configuration.
    #[wasm_bindgen(typescript_type = "ValidatorConfig")]
    pub type ValidatorConfigArg;
    /// The options of the whole pipeline.
    #[wasm_bindgen(typescript_type = "PipelineOptions")]
    pub type PipelineOptionsArg;
    /// The fields of an analytics event.
    #[wasm_bindgen(typescript_type = "Analytics")]
    pub type AnalyticsArg;
    /// The fields of an audit-trail entry.
    #[wasm_bindgen(typescript_type = "UserAction")]
    pub type UserActionArg;
    /// The fields of a security event, with its description.
    #[wasm_bindgen(typescript_type = "SecurityEvent & { description: string }")]
    pub type SecurityEventArg;
    /// The fields of an API error.
    #[wasm_bindgen(typescript_type = "ApiError")]
    pub type ApiErrorArg;
    /// The fields of an HTTP request.
    #[wasm_bindgen(typescript_type = "HttpRequest")]
    pub type HttpRequestArg;
    /// The fields of database statistics (`flagged` is computed).
    #[wasm_bindgen(typescript_type = "Omit<DbStats, \"flagged\">")]
    pub type DbStatsArg;
    /// The limits of the seed's monitoring.
    #[wasm_bindgen(typescript_type = "Thresholds")]
    pub type ThresholdsArg;
}

// The engine's functions that run a value's own code (a Proxy's traps, a
// getter), imported to catch what it throws. An exception that unwinds
// through the module's frames skips their exit: after a few hundred, the
// module's stack of borrowed JS values runs out and every call traps.
#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws on a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

/// A readable JS `Error` from any error of the core.
fn into_error(error: impl Display) -> JsError {
    js_error(&error)
}

/// [`into_error`]'s text, written once for every type of error: through
/// `dyn Display` the module holds one `to_string` rather than one per type.
fn js_error(error: &dyn Display) -> JsError {
    JsError::new(&error.to_string())
}

/// The time now, from the JS clock.
fn now() -> Timestamp {
    let micros = (js_sys::Date::now() * 1000.0) as i64;
    // The JS clock is within the years 0000 to 9999 on any real machine.
    Timestamp::from_unix_micros(micros).unwrap_or(Timestamp::EPOCH)
}

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsString) -> Uint8Array;
}

/// A JS string's text, or none for any other value, as `as_string` gives
/// it. wasm-bindgen's `as_string` copies a string into wasm memory one
/// UTF-16 unit at a time in JavaScript, which takes about 6 µs for a 1 KB
/// event in Node 20; `TextEncoder` writes it in native code, and the copy
/// into wasm memory is one `set`. For event and batch texts, which may be
/// large; short arguments keep `as_string`.
fn long_string(value: &JsValue) -> Option<String> {
    let text = value.dyn_ref::<JsString>()?;
    let bytes = TextEncoder::new().encode(text).to_vec();
    // A `TextEncoder` writes UTF-8 only (a lone surrogate as U+FFFD, as
    // `as_string` reads it), so the check cannot fail.
    String::from_utf8(bytes).ok()
}

/// A JS value as JSON text: a string is taken as JSON already, anything else
/// goes through `JSON.stringify`.
fn json_text(value: &JsValue, what: &str) -> Result<String, JsError> {
    written(value, what).map_err(into_error)
}

/// [`json_text`], its error as text: a batch keeps it as the item's.
fn written(value: &JsValue, what: &str) -> Result<String, String> {
    if let Some(text) = long_string(value) {
        return Ok(text);
    }
    let text = JSON::stringify(value)
        .map_err(|e| format!("{what} cannot be written as JSON: {}", js_message(&e)))?;
    long_string(&text).ok_or_else(|| format!("{what} is not a JSON value"))
}

/// A string argument. wasm-bindgen's own `&str` conversion takes a
/// non-string (from JavaScript without TypeScript) as a string of undefined
/// length and traps in the allocator, so the exports take a `JsValue` and
/// read it here.
fn string_arg(value: &JsValue, what: &str) -> Result<String, JsError> {
    value.as_string().ok_or_else(|| {
        let found = if value.is_null() {
            "null".to_owned()
        } else if is_array(value).unwrap_or(false) {
            "an array".to_owned()
        } else {
            let kind = value.js_typeof().as_string().unwrap_or_default();
            format!("a value of type {kind}")
        };
        into_error(format!("{what}: expected a string, found {found}"))
    })
}

/// A thrown value's message: an error's (of any realm), or the string
/// thrown.
fn js_message(error: &JsValue) -> String {
    text_property(error, "message")
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// An `Error` of this realm or of another (a `vm` context, an iframe), or
/// any object with a `message`, as error-like values are taken by loggers.
/// `instanceof` alone knows only this realm's.
fn is_error_like(value: &JsValue) -> bool {
    value.dyn_ref::<js_sys::Error>().is_some()
        || js_sys::Reflect::has(value, &JsValue::from_str("message")).unwrap_or(false)
}

/// A property of a JS value when it is a string. Read through
/// `Reflect.get`, which catches: a getter that throws would otherwise unwind
/// through the module's frames and leave the object it was called on
/// borrowed for good.
fn text_property(value: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(name))
        .ok()?
        .as_string()
}

/// Parses JSON text that the core wrote into a JS value.
fn js_value(json: &str) -> Result<JsValue, JsError> {
    JSON::parse(json).map_err(|e| into_error(js_message(&e)))
}

fn event_value(event: &Event) -> Result<JsValue, JsError> {
    js_value(&Formatter::new(Format::Json).format(event))
}

fn read_event(input: &JsValue) -> Result<Event, JsError> {
    Event::from_json(&json_text(input, "the event")?, now()).map_err(into_error)
}

/// Reads an event as the writer does, by the validator's rules with the
/// seed's defaults: an error names every violation.
fn checked_event(input: &JsValue) -> Result<Event, JsError> {
    let text = json_text(input, "the event")?;
    Validator::default()
        .check(text.as_bytes(), now())
        .into_result()
        .map_err(|violations| violations_error("the event", &violations))
}

/// The items of a batch, each its JSON text or why it has none: a JS array,
/// written item by item (one that `JSON.stringify` refuses is that item's
/// error, and the others go on), a JSON array in a string, or NDJSON.
fn batch_items(inputs: &JsValue) -> Result<Vec<Result<String, String>>, JsError> {
    let unreadable =
        |e: JsValue| into_error(format!("the batch cannot be read: {}", js_message(&e)));
    if is_array(inputs).map_err(unreadable)? {
        // Read through Reflect.get, which catches: an item behind a getter
        // that throws is that item's error.
        let length = js_sys::Reflect::get(inputs, &"length".into()).map_err(unreadable)?;
        let item = |i| {
            js_sys::Reflect::get_u32(inputs, i)
                .map_err(|e| format!("the item cannot be read: {}", js_message(&e)))
                .and_then(|item| written(&item, "the item"))
        };
        // An array's length is an integer below 2^32. A Proxy's may be
        // anything: one that is not a number reads as no items.
        return Ok((0..length.as_f64().unwrap_or(0.0) as u32)
            .map(item)
            .collect());
    }
    let text = long_string(inputs)
        .ok_or_else(|| into_error("a batch is an array, a JSON array or NDJSON text"))?;
    // A byte-order mark at the start of text read from a file is no part of
    // its first item.
    let text = text
        .strip_prefix(crate::batch::BYTE_ORDER_MARK)
        .unwrap_or(&text);
    if let Some(items) = crate::batch::json_array_items(text.as_bytes()) {
        // Cut only at ASCII bytes, each item is UTF-8 as the text is.
        let own = |item: &[u8]| std::str::from_utf8(item).map(str::to_owned);
        Ok(items
            .into_iter()
            .map(|item| match item {
                Ok(text) => own(text).map_err(|e| e.to_string()),
                Err(error) => Err(error.to_string()),
            })
            .collect())
    } else {
        Ok(text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| Ok(line.to_owned()))
            .collect())
    }
}

/// Reads options read by key ([`crate::names::Fields`]) from a JS object
/// (or nothing): through a JSON value, as their fields are read anyway, so
/// that each type has one reader.
fn keyed_options<T: DeserializeOwned + Default>(value: Option<&JsValue>) -> Result<T, JsError> {
    match given_text(value, "the options")? {
        Some(text) => serde_json::from_str::<Value>(&text)
            .and_then(T::deserialize)
            .map_err(|e| prefixed_error("options", &e)),
        None => Ok(T::default()),
    }
}

/// The JSON text of an optional argument (`what`), `None` when it is not
/// given. Apart from [`keyed_options`], which is generic, so that one copy
/// of it serves every type.
fn given_text(value: Option<&JsValue>, what: &str) -> Result<Option<String>, JsError> {
    match value {
        Some(value) if !value.is_undefined() && !value.is_null() => {
            json_text(value, what).map(Some)
        }
        _ => Ok(None),
    }
}

/// `what: error`, as a JS `Error`.
fn prefixed_error(what: &str, error: &serde_json::Error) -> JsError {
    into_error(format!("{what}: {}", describe(error)))
}

#[derive(Default)]
struct FormatOptions {
    zone: Option<String>,
}

impl<'de> Deserialize<'de> for FormatOptions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        let options = FormatOptions {
            zone: fields.optional("zone")?,
        };
        fields.none_other()?;
        Ok(options)
    }
}

fn formatter(format: &JsValue, options: Option<&JsValue>) -> Result<Formatter, JsError> {
    let format: Format = string_arg(format, "the format")?
        .parse()
        .map_err(into_error)?;
    let options: FormatOptions = keyed_options(options)?;
    let mut formatter = Formatter::new(format);
    if let Some(zone) = options.zone {
        formatter = formatter.in_zone(parse_offset(&zone).map_err(into_error)?);
    }
    Ok(formatter)
}

#[derive(Default)]
struct RouteOptions {
    level: Option<Level>,
}

impl<'de> Deserialize<'de> for RouteOptions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        let options = RouteOptions {
            level: fields.optional("level")?,
        };
        fields.none_other()?;
        Ok(options)
    }
}

fn route_table(options: Option<&JsValue>) -> Result<RouteTable, JsError> {
    let options: RouteOptions = keyed_options(options)?;
    Ok(RouteTable::seed(options.level.unwrap_or(Level::Info)))
}

/// Reads an event, checks it as the writer would, and returns it
/// normalised: canonical level, UTC timestamp, the time now when it had
/// none.
#[wasm_bindgen(js_name = parseEvent, unchecked_return_type = "Event")]
pub fn parse_event(input: &EventArg) -> Result<JsValue, JsError> {
    event_value(&checked_event(input)?)
}

/// The event as one line in the given format.
#[wasm_bindgen]
pub fn format(
    input: &EventArg,
    #[wasm_bindgen(unchecked_param_type = "Format")] format: &JsValue,
    options: Option<FormatOptionsArg>,
) -> Result<String, JsError> {
    let formatter = formatter(format, options.as_deref())?;
    Ok(formatter.format(&read_event(input)?))
}

/// Each event as one line, or, for an item that is not an event, the error.
#[wasm_bindgen(js_name = formatBatch, unchecked_return_type = "Array<string | { error: string }>")]
pub fn format_batch(
    inputs: &BatchArg,
    #[wasm_bindgen(unchecked_param_type = "Format")] format: &JsValue,
    options: Option<FormatOptionsArg>,
) -> Result<Array, JsError> {
    let formatter = formatter(format, options.as_deref())?;
    let received = now();
    let mut line = Vec::new();
    Ok(batch_items(inputs)?
        .iter()
        .map(|item| match item {
            Ok(text) => match Event::from_json(text, received) {
                Ok(event) => {
                    line.clear();
                    formatter.write(&event, &mut line);
                    JsValue::from_str(&String::from_utf8_lossy(&line))
                }
                Err(error) => error_item(&error),
            },
            Err(message) => error_item(message),
        })
        .collect())
}

fn error_item(error: &dyn Display) -> JsValue {
    let object = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&object, &"error".into(), &error.to_string().into());
    object.into()
}

/// The seed's log files that the writer would append the input to, read as
/// the writer reads it (the validator's default rules): `rejected.log` for
/// one that is not a valid event.
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn route(input: &EventArg, options: Option<RouteOptionsArg>) -> Result<JsValue, JsError> {
    let table = route_table(options.as_deref())?;
    let text = json_text(input, "the event")?;
    Ok(route_text(&table, &Validator::default(), &text, now()))
}

/// The files for each item, or, for an item that cannot be written as
/// JSON or cut out of the batch, the error.
#[wasm_bindgen(js_name = routeBatch, unchecked_return_type = "Array<string[] | { error: string }>")]
pub fn route_batch(inputs: &BatchArg, options: Option<RouteOptionsArg>) -> Result<Array, JsError> {
    let table = route_table(options.as_deref())?;
    let validator = Validator::default();
    let received = now();
    Ok(batch_items(inputs)?
        .iter()
        .map(|item| match item {
            Ok(text) => route_text(&table, &validator, text, received),
            Err(message) => error_item(message),
        })
        .collect())
}

/// The files for one input's text, read by `validator` as the writer reads
/// it: `rejected.log` when it is not a valid event.
fn route_text(
    table: &RouteTable,
    validator: &Validator,
    text: &str,
    received: Timestamp,
) -> JsValue {
    let paths = table
        .route_input(validator, text.as_bytes(), received)
        .unwrap_or_else(|_| vec![REJECTED_LOG]);
    paths
        .into_iter()
        .map(JsValue::from_str)
        .collect::<Array>()
        .into()
}

/// The kind of events from a logger.
#[wasm_bindgen(js_name = kindOf, unchecked_return_type = "Kind")]
pub fn kind_of(
    #[wasm_bindgen(unchecked_param_type = "string")] logger: &JsValue,
) -> Result<String, JsError> {
    let name = LoggerName::new(&string_arg(logger, "the logger name")?).map_err(into_error)?;
    Ok(Kind::of(&name).name().to_owned())
}

/// A logger bound to a name and a request context, stamped on every event.
#[wasm_bindgen]
pub struct Logger {
    core: CoreLogger,
}

#[wasm_bindgen]
impl Logger {
    /// A logger named `name` (dotted, such as `shop.payments`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] name: &JsValue,
        context: Option<ContextArg>,
    ) -> Result<Logger, JsError> {
        let name = LoggerName::new(&string_arg(name, "the logger name")?).map_err(into_error)?;
        // Read as the validator reads an event's context: a duplicate key or
        // a value past the limits is an error, not the last one kept.
        let context = match given_text(context.as_deref(), "the context")? {
            Some(text) => Context::deserialize(Value::Object(object_of_text(&text, "context")?))
                // Errors in its fields name the context already.
                .map_err(|e| into_error(describe(&e)))?,
            None => Context::default(),
        };
        Ok(Logger {
            core: CoreLogger::new(name, context),
        })
    }

    /// The logger's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.core.name().to_string()
    }

    /// An event at `level`, stamped now.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn log(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Level")] level: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] message: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<JsValue, JsError> {
        let level = Level::parse(&string_arg(level, "the level")?).map_err(into_error)?;
        self.event(level, message, extra_data)
    }

    /// A DEBUG event.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn debug(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] message: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<JsValue, JsError> {
        self.event(Level::Debug, message, extra_data)
    }

    /// An INFO event.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn info(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] message: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<JsValue, JsError> {
        self.event(Level::Info, message, extra_data)
    }

    /// A WARNING event.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn warning(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] message: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<JsValue, JsError> {
        self.event(Level::Warning, message, extra_data)
    }

    /// An ERROR event.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn error(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] message: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<JsValue, JsError> {
        self.event(Level::Error, message, extra_data)
    }

    /// A CRITICAL event.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn critical(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] message: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<JsValue, JsError> {
        self.event(Level::Critical, message, extra_data)
    }

    /// Starts timing an operation; `finish()` or `fail(error)` makes its event.
    #[wasm_bindgen(js_name = startOperation)]
    pub fn start_operation(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] operation: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<OperationTimer, JsError> {
        Ok(OperationTimer {
            logger: self.core.clone(),
            operation: string_arg(operation, "the operation")?,
            extra: self::extra_data(extra_data.as_deref())?,
            started_ms: js_sys::Date::now(),
            done: false,
        })
    }
}

impl Logger {
    /// An event at `level`, stamped now.
    fn event(
        &self,
        level: Level,
        message: &JsValue,
        extra_data: Option<ExtraDataArg>,
    ) -> Result<JsValue, JsError> {
        let message = string_arg(message, "the message")?;
        let extra = self::extra_data(extra_data.as_deref())?;
        event_value(&self.core.event(now(), level, &message, extra))
    }
}

/// A running operation, from [`Logger::start_operation`].
#[wasm_bindgen]
pub struct OperationTimer {
    logger: CoreLogger,
    operation: String,
    extra: ExtraData,
    started_ms: f64,
    done: bool,
}

#[wasm_bindgen]
impl OperationTimer {
    /// Ends the operation as a success: an INFO event of the `performance`
    /// logger with its duration.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let duration = self.stop()?;
        let operation = Operation::succeeded(&self.operation, duration, self.extra.clone());
        event_value(&self.logger.operation(now(), operation))
    }

    /// Ends the operation as a failure with `error` (an `Error` or any value):
    /// an ERROR event with the error's name and message.
    #[wasm_bindgen(unchecked_return_type = "Event")]
    pub fn fail(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] error: JsValue,
    ) -> Result<JsValue, JsError> {
        let duration = self.stop()?;
        let (error_type, message) = if is_error_like(&error) {
            (
                text_property(&error, "name").unwrap_or_else(|| "Error".to_owned()),
                text_property(&error, "message").unwrap_or_else(|| "unknown error".to_owned()),
            )
        } else {
            (
                "Error".to_owned(),
                error.as_string().unwrap_or_else(|| {
                    // `undefined`, a function or a `BigInt` has no JSON text.
                    json_text(&error, "the error").unwrap_or_else(|_| "unknown error".to_owned())
                }),
            )
        };
        let operation = Operation::failed(
            &self.operation,
            duration,
            &error_type,
            &message,
            self.extra.clone(),
        );
        event_value(&self.logger.operation(now(), operation))
    }

    fn stop(&mut self) -> Result<f64, JsError> {
        if std::mem::replace(&mut self.done, true) {
            return Err(into_error(format!(
                "operation {:?} has already ended",
                self.operation
            )));
        }
        let elapsed = js_sys::Date::now() - self.started_ms;
        Ok((elapsed.max(0.0) * 100.0).round() / 100.0)
    }
}

/// The sanitized value and what was changed, as one JS object.
fn sanitized_value(value: &serde_json::Value, report: &Report) -> Result<JsValue, JsError> {
    let mut out = Json::object();
    out.field("value", value);
    out.report(report);
    out.into_js()
}

fn core_sanitizer(config: Option<&JsValue>) -> Result<CoreSanitizer, JsError> {
    let config: SanitizerConfig = keyed_options(config)?;
    CoreSanitizer::new(&config).map_err(into_error)
}

/// Redacts secrets from any JSON value (an event or not), with the built-in
/// rules or `config`: the value with its secrets replaced, and where each
/// redaction was made and by which rule (never the secret itself).
#[wasm_bindgen(unchecked_return_type = "Sanitized")]
pub fn sanitize(input: &JsonArg, config: Option<SanitizerConfigArg>) -> Result<JsValue, JsError> {
    Sanitizer::new(config)?.sanitize(input)
}

/// A sanitizer compiled once from its configuration, for many values.
#[wasm_bindgen]
pub struct Sanitizer {
    core: CoreSanitizer,
}

#[wasm_bindgen]
impl Sanitizer {
    /// Checks and compiles `config`; throws on an unknown rule or a bad key.
    #[wasm_bindgen(constructor)]
    pub fn new(config: Option<SanitizerConfigArg>) -> Result<Sanitizer, JsError> {
        Ok(Sanitizer {
            core: core_sanitizer(config.as_deref())?,
        })
    }

    /// As the free function `sanitize`.
    #[wasm_bindgen(unchecked_return_type = "Sanitized")]
    pub fn sanitize(&self, input: &JsonArg) -> Result<JsValue, JsError> {
        let mut value: serde_json::Value = serde_json::from_str(&json_text(input, "the value")?)
            .map_err(|e| into_error(describe(&e)))?;
        let report = self.core.sanitize_value(&mut value);
        sanitized_value(&value, &report)
    }

    /// As the free function `sanitizeBatch`.
    #[wasm_bindgen(
        js_name = sanitizeBatch,
        unchecked_return_type = "Array<Sanitized | { error: string }>"
    )]
    pub fn sanitize_batch(&self, inputs: &JsonBatchArg) -> Result<JsValue, JsError> {
        let mut all = Json::array();
        for item in batch_items(inputs)? {
            let read = item
                .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| describe(&e)));
            all.object_item(|one| match read {
                Ok(mut value) => {
                    let report = self.core.sanitize_value(&mut value);
                    one.field("value", &value);
                    one.report(&report);
                }
                Err(message) => one.field("error", &message),
            });
        }
        all.into_js()
    }
}

/// [`sanitize`] over many values, crossing into wasm once: each value's
/// result, or, for an item that is not JSON, the error.
#[wasm_bindgen(
    js_name = sanitizeBatch,
    unchecked_return_type = "Array<Sanitized | { error: string }>"
)]
pub fn sanitize_batch(
    inputs: &JsonBatchArg,
    config: Option<SanitizerConfigArg>,
) -> Result<JsValue, JsError> {
    Sanitizer::new(config)?.sanitize_batch(inputs)
}

/// JSON text written straight from the core's values, read once by
/// `JSON.parse` on the JS side: no intermediate tree on either side.
struct Json {
    out: Vec<u8>,
    first: bool,
}

impl Json {
    fn object() -> Json {
        Json::with(b'{')
    }

    fn array() -> Json {
        Json::with(b'[')
    }

    fn with(open: u8) -> Json {
        Json {
            out: vec![open],
            first: true,
        }
    }

    fn comma(&mut self) {
        if !std::mem::replace(&mut self.first, false) {
            self.out.push(b',');
        }
    }

    /// `"name":` and the value; names are plain ASCII keys.
    fn key(&mut self, name: &str) {
        self.comma();
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    fn field(&mut self, name: &str, value: &(impl ToJson + ?Sized)) {
        self.key(name);
        value.write(&mut self.out);
    }

    /// Writes the event in the JSON format.
    fn event(&mut self, name: &str, event: &Event) {
        self.key(name);
        Formatter::new(Format::Json).write(event, &mut self.out);
    }

    /// `valid`, `event` (when there is one), `violations` and `warnings`.
    fn verdict(&mut self, verdict: &Verdict) {
        self.field("valid", &verdict.is_valid());
        if let Some(event) = &verdict.event {
            self.event("event", event);
        }
        self.field("violations", &verdict.violations);
        self.field("warnings", &verdict.warnings);
    }

    /// `valid`, `violations` and `warnings`: a verdict whose event is not
    /// given.
    fn outcome(&mut self, violations: &[Violation], warnings: &[Violation]) {
        self.field("valid", &violations.is_empty());
        self.field("violations", violations);
        self.field("warnings", warnings);
    }

    /// The verdict on an item of a batch that could not be written as JSON:
    /// `not_json`, as the validator says of text that is not.
    fn unwritten(&mut self, message: String) {
        self.outcome(&[Violation::new("", Code::NotJson, message)], &[]);
    }

    /// A sanitizer's `redactions` and `unlisted`.
    fn report(&mut self, report: &Report) {
        self.field("redactions", &report.redactions);
        self.field("unlisted", &report.unlisted);
    }

    /// Appends an object to this array, its fields written by `fill`.
    fn object_item(&mut self, fill: impl FnOnce(&mut Json)) {
        self.comma();
        let mut item = Json {
            out: std::mem::take(&mut self.out),
            first: true,
        };
        item.out.push(b'{');
        fill(&mut item);
        item.out.push(b'}');
        self.out = item.out;
    }

    /// Appends an event, in the JSON format, to this array.
    fn event_item(&mut self, event: &Event) {
        self.comma();
        Formatter::new(Format::Json).write(event, &mut self.out);
    }

    fn into_js(mut self) -> Result<JsValue, JsError> {
        self.out.push(if self.out[0] == b'{' { b'}' } else { b']' });
        // Every byte written comes from a `str` or is ASCII.
        js_value(&String::from_utf8_lossy(&self.out))
    }
}

/// What a result holds, written as JSON by the JSON format's writer: the
/// strings JavaScript reads back are the same, and the package holds no
/// serde serializer.
trait ToJson {
    fn write(&self, out: &mut Vec<u8>);
}

impl ToJson for bool {
    fn write(&self, out: &mut Vec<u8>) {
        json::boolean(*self, out);
    }
}

impl ToJson for usize {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(itoa::Buffer::new().format(*self).as_bytes());
    }
}

impl ToJson for &str {
    fn write(&self, out: &mut Vec<u8>) {
        json::string(self, out);
    }
}

impl ToJson for String {
    fn write(&self, out: &mut Vec<u8>) {
        json::string(self, out);
    }
}

impl ToJson for Value {
    fn write(&self, out: &mut Vec<u8>) {
        json::value(self, out);
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write(&self, out: &mut Vec<u8>) {
        json::array(self, T::write, out);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut Vec<u8>) {
        self.as_slice().write(out);
    }
}

impl ToJson for Violation {
    fn write(&self, out: &mut Vec<u8>) {
        object(
            out,
            &[
                ("pointer", &self.pointer),
                ("code", &self.code.name()),
                ("message", &self.message),
            ],
        );
    }
}

impl ToJson for Redaction {
    fn write(&self, out: &mut Vec<u8>) {
        object(out, &[("path", &self.path), ("rule", &self.rule.name())]);
    }
}

/// Appends an object of these fields, in this order.
fn object(out: &mut Vec<u8>, fields: &[(&str, &dyn ToJson)]) {
    json::object(
        fields.iter().map(|&(name, value)| (name, value)),
        |value, out| value.write(out),
        out,
    );
}

/// Checks an untrusted event: every violation with its JSON Pointer, code
/// and message, and the normalised event when there is none. A failed
/// validation is data, not an exception.
#[wasm_bindgen(unchecked_return_type = "Verdict")]
pub fn validate(input: &EventArg, options: Option<ValidatorConfigArg>) -> Result<JsValue, JsError> {
    let config: ValidatorConfig = keyed_options(options.as_deref())?;
    let text = json_text(input, "the event")?;
    let mut out = Json::object();
    out.verdict(&Validator::new(config).check(text.as_bytes(), now()));
    out.into_js()
}

/// [`validate`] over many events, crossing into wasm once.
#[wasm_bindgen(js_name = validateBatch, unchecked_return_type = "Verdict[]")]
pub fn validate_batch(
    inputs: &BatchArg,
    options: Option<ValidatorConfigArg>,
) -> Result<JsValue, JsError> {
    let validator = Validator::new(keyed_options(options.as_deref())?);
    let received = now();
    let mut all = Json::array();
    for item in batch_items(inputs)? {
        all.object_item(|one| match item {
            Ok(text) => one.verdict(&validator.check(text.as_bytes(), received)),
            Err(message) => one.unwritten(message),
        });
    }
    all.into_js()
}

#[derive(Default)]
struct PipelineOptions {
    validation: ValidatorConfig,
    sanitizer: SanitizerConfig,
    format: Option<Format>,
    zone: Option<String>,
}

impl<'de> Deserialize<'de> for PipelineOptions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::read(deserializer)?;
        let options = PipelineOptions {
            validation: fields.defaulted("validation")?,
            sanitizer: fields.defaulted("sanitizer")?,
            format: fields.defaulted("format")?,
            zone: fields.defaulted("zone")?,
        };
        fields.none_other()?;
        Ok(options)
    }
}

/// Validate, sanitize and (optionally) format, with everything compiled
/// once: the path every event takes before it leaves a page.
#[wasm_bindgen]
pub struct Pipeline {
    /// The core's pipeline; without a format, its validator and sanitizer
    /// give the event, and its formatter is not used.
    core: CorePipeline,
    formats: bool,
}

#[wasm_bindgen]
impl Pipeline {
    /// Compiles the options; throws on a bad sanitizer configuration.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<PipelineOptionsArg>) -> Result<Pipeline, JsError> {
        let options: PipelineOptions = keyed_options(options.as_deref())?;
        let mut formatter = Formatter::new(options.format.unwrap_or(Format::Json));
        // The zone is for the line: without a format it is not read.
        if let (Some(_), Some(zone)) = (options.format, &options.zone) {
            formatter = formatter.in_zone(parse_offset(zone).map_err(into_error)?);
        }
        let validator = Validator::new(options.validation);
        let sanitizer = CoreSanitizer::new(&options.sanitizer).map_err(into_error)?;
        Ok(Pipeline {
            core: CorePipeline::new(validator, sanitizer, formatter),
            formats: options.format.is_some(),
        })
    }

    /// One event through the pipeline: `{ valid, line, violations,
    /// warnings, redactions, unlisted }` with a format, the line when the
    /// event is valid; without one, `event` (the event sanitized) in place
    /// of `line`.
    #[wasm_bindgen(unchecked_return_type = "Prepared")]
    pub fn prepare(&self, input: &EventArg) -> Result<JsValue, JsError> {
        let text = json_text(input, "the event")?;
        let mut out = Json::object();
        let line = self.prepared(&text, now(), &mut out);
        let prepared = out.into_js()?;
        set_line(&prepared, line);
        Ok(prepared)
    }

    /// [`Pipeline::prepare`] over many events, crossing into wasm once.
    #[wasm_bindgen(js_name = prepareBatch, unchecked_return_type = "Prepared[]")]
    pub fn prepare_batch(&self, inputs: &BatchArg) -> Result<JsValue, JsError> {
        let received = now();
        let mut all = Json::array();
        let mut lines = Vec::new();
        for item in batch_items(inputs)? {
            all.object_item(|one| {
                lines.push(match item {
                    Ok(text) => self.prepared(&text, received, one),
                    Err(message) => {
                        one.unwritten(message);
                        one.report(&Report::default());
                        None
                    }
                });
            });
        }
        let prepared = all.into_js()?;
        let array: &Array = prepared.unchecked_ref();
        for (i, line) in (0..).zip(lines) {
            set_line(&array.get(i), line);
        }
        Ok(prepared)
    }

    /// Writes the result's fields but the line into `out`, and gives the
    /// line, which [`set_line`] adds: a string passed as it is rather than
    /// escaped into JSON text and read back.
    fn prepared(&self, text: &str, received: Timestamp, out: &mut Json) -> Option<String> {
        if !self.formats {
            self.prepared_event(text, received, out);
            return None;
        }
        match self.core.prepare(text.as_bytes(), received) {
            Ok(prepared) => {
                out.outcome(&[], &prepared.warnings);
                out.report(&prepared.report);
                Some(prepared.line)
            }
            Err(invalid) => {
                out.outcome(&invalid.violations, &invalid.warnings);
                out.report(&Report::default());
                None
            }
        }
    }

    /// The result without a format: `{ valid, event, violations, warnings,
    /// redactions, unlisted }`, the event sanitized.
    fn prepared_event(&self, text: &str, received: Timestamp, out: &mut Json) {
        match self.core.check_and_sanitize(text.as_bytes(), received) {
            Ok((checked, report)) => {
                out.field("valid", &true);
                // Written from the validator's tree, never built.
                out.key("event");
                checked.write_line(&Formatter::new(Format::Json), &mut out.out);
                out.field("violations", &Vec::<Violation>::new());
                out.field("warnings", &checked.warnings);
                out.report(&report);
            }
            Err(invalid) => {
                out.outcome(&invalid.violations, &invalid.warnings);
                out.report(&Report::default());
            }
        }
    }
}

/// Adds `line` to a prepared result, when there is one.
fn set_line(prepared: &JsValue, line: Option<String>) {
    if let Some(line) = line {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(prepared, &"line".into(), &line.into());
    }
}

/// [`Pipeline::prepare`] with options compiled for this one call.
#[wasm_bindgen(unchecked_return_type = "Prepared")]
pub fn prepare(input: &EventArg, options: Option<PipelineOptionsArg>) -> Result<JsValue, JsError> {
    Pipeline::new(options)?.prepare(input)
}

/// Reads fields from a JS object (or its JSON text), which must be an
/// object, as the validator reads an event: a duplicate key in the text is
/// an error, as it would be in the event.
fn fields_object(input: &JsValue, what: &str) -> Result<Map<String, Value>, JsError> {
    object_of_text(&json_text(input, what)?, what)
}

/// [`fields_object`] from the JSON text.
fn object_of_text(text: &str, what: &str) -> Result<Map<String, Value>, JsError> {
    match Validator::default().read_value(text.as_bytes()) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(into_error(format!("{what}: expected an object"))),
        Err(violations) => Err(violations_error(what, &violations)),
    }
}

/// An event's `extra_data` given to a [`Logger`]: none, or an object.
fn extra_data(input: Option<&JsValue>) -> Result<ExtraData, JsError> {
    match given_text(input, "extra_data")? {
        Some(text) => object_of_text(&text, "extra_data"),
        None => Ok(ExtraData::new()),
    }
}

/// An error that names every violation found in `what`.
fn violations_error(what: &str, violations: &[Violation]) -> JsError {
    into_error(format!("{what}: {}", describe_all(violations)))
}

/// Types a kind's fields once the rules of its `extra_data` hold.
fn payload<T: DeserializeOwned>(
    kind: Kind,
    what: &str,
    object: Map<String, Value>,
) -> Result<T, JsError> {
    // The rules of the kind's `extra_data` first: an error names every
    // field that is wrong and how, as the validator would.
    let violations = payload_violations(kind, &object);
    if !violations.is_empty() {
        return Err(violations_error(what, &violations));
    }
    T::deserialize(object).map_err(|e| prefixed_error(what, &e))
}

/// [`fields_object`], then [`payload`].
fn fields<T: DeserializeOwned>(input: &JsValue, kind: Kind, what: &str) -> Result<T, JsError> {
    payload(kind, what, fields_object(input, what)?)
}

/// The seed's `log_analytics_event`.
#[wasm_bindgen(js_name = analyticsEvent, unchecked_return_type = "Event")]
pub fn analytics_event(fields: &AnalyticsArg) -> Result<JsValue, JsError> {
    event_value(
        &self::fields::<Analytics>(fields, Kind::Analytics, "the analytics event")?
            .into_event(now()),
    )
}

/// The seed's `log_user_action`: an audit-trail entry.
#[wasm_bindgen(js_name = userAction, unchecked_return_type = "Event")]
pub fn user_action(fields: &UserActionArg) -> Result<JsValue, JsError> {
    event_value(
        &self::fields::<UserAction>(fields, Kind::Audit, "the user action")?.into_event(now()),
    )
}

/// The seed's `log_security_event`; the level follows the severity.
#[wasm_bindgen(js_name = securityEvent, unchecked_return_type = "Event")]
pub fn security_event(fields: &SecurityEventArg) -> Result<JsValue, JsError> {
    let what = "the security event";
    let mut object = fields_object(fields, what)?;
    let description = match object.shift_remove("description") {
        Some(Value::String(text)) => text,
        _ => {
            return Err(into_error(
                "the security event: a description (a string) is required",
            ));
        }
    };
    let mut event: SecurityEvent = payload(Kind::Security, what, object)?;
    event.description = description;
    event_value(&event.into_event(now()))
}

/// The seed's `log_api_error`.
#[wasm_bindgen(js_name = apiError, unchecked_return_type = "Event")]
pub fn api_error(fields: &ApiErrorArg) -> Result<JsValue, JsError> {
    event_value(
        &self::fields::<ApiError>(fields, Kind::ApiError, "the API error")?.into_event(now()),
    )
}

/// The seed's request log: the request's event and, past the slow-request
/// threshold, the `Slow request detected` warning.
#[wasm_bindgen(js_name = httpRequest, unchecked_return_type = "Event[]")]
pub fn http_request(
    fields: &HttpRequestArg,
    thresholds: Option<ThresholdsArg>,
) -> Result<JsValue, JsError> {
    let thresholds: Thresholds = keyed_options(thresholds.as_deref())?;
    let events = self::fields::<HttpRequest>(fields, Kind::HttpRequest, "the HTTP request")?
        .into_events(now(), &thresholds);
    let mut all = Json::array();
    for event in events.into_vec() {
        all.event_item(&event);
    }
    all.into_js()
}

/// The seed's database statistics, flagged past the thresholds.
#[wasm_bindgen(js_name = dbStats, unchecked_return_type = "Event")]
pub fn db_stats(
    fields: &DbStatsArg,
    thresholds: Option<ThresholdsArg>,
) -> Result<JsValue, JsError> {
    let thresholds: Thresholds = keyed_options(thresholds.as_deref())?;
    let what = "the database stats";
    let mut object = fields_object(fields, what)?;
    object.entry("flagged").or_insert(false.into());
    let stats: DbStats = payload(Kind::DbStats, what, object)?;
    event_value(&stats.into_event(now(), &thresholds))
}

/// A plain log record, checked as the writer would: an event with the time
/// now when it has none.
#[wasm_bindgen(js_name = logRecord, unchecked_return_type = "Event")]
pub fn log_record(input: &EventArg) -> Result<JsValue, JsError> {
    parse_event(input)
}
