#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod batch;
pub mod event;
pub mod format;
pub mod kind;
pub mod level;
pub mod logger;
mod names;
pub mod pipeline;
pub mod rotation;
pub mod route;
pub mod sanitize;
pub mod timestamp;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use batch::{ArrayError, json_array_items, without_byte_order_mark};
pub use event::{Context, Event, EventError, ExtraData, UserId};
pub use format::{Format, Formatter};
pub use kind::{
    Analytics, ApiError, DbStats, HttpRequest, Kind, Operation, RequestEvents, SecurityEvent,
    Severity, SlowQuery, SlowRequest, Thresholds, UserAction, log_record,
};
pub use level::{Level, UnknownLevel};
pub use logger::{Logger, LoggerName, LoggerNameError};
pub use pipeline::{Pipeline, Prepared};
pub use rotation::{FileState, Rotation, should_roll_over};
pub use route::{FileRoute, LoggerPattern, RouteTable};
pub use sanitize::{
    CardDisplay, ConfigError, Parts, Redaction, Report, Rule, Sanitizer, SanitizerConfig,
};
pub use timestamp::Timestamp;
pub use validate::{Checked, Code, Invalid, Mode, Validator, ValidatorConfig, Verdict, Violation};
