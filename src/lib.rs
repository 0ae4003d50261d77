#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod event;
pub mod format;
pub mod kind;
pub mod level;
pub mod logger;
pub mod route;
pub mod timestamp;
pub mod validate;

pub use event::{Context, Event, EventError, ExtraData, UserId};
pub use format::{Format, Formatter};
pub use kind::{
    Analytics, ApiError, DbStats, HttpRequest, Kind, Operation, RequestEvents, SecurityEvent,
    Severity, SlowQuery, SlowRequest, Thresholds, UserAction, log_record,
};
pub use level::{Level, UnknownLevel};
pub use logger::{LoggerName, LoggerNameError};
pub use route::{FileRoute, LoggerPattern, RouteTable};
pub use timestamp::Timestamp;
pub use validate::{Code, Limits, Mode, Validator, ValidatorConfig, Verdict, Violation};
