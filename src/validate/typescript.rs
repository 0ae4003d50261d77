//! The TypeScript declarations of an event, of every kind's payload and of
//! the configuration and reports the JS API takes and gives (the sanitizer's
//! and validator's settings, violations, redactions), generated with ts-rs
//! from the same Rust types as the schema. The committed `ts/barg.d.ts` is
//! this text; a test regenerates it and compares. The fields of a
//! configuration all have defaults, so they are optional in TypeScript.

use ts_rs::{Config, TS};

use super::{Code, Limits as ValidatorLimits, Mode, ValidatorConfig, Violation};
use crate::event::{Context, Event, UserId};
use crate::format::Format;
use crate::kind::{
    Analytics, ApiError, DbStats, HttpRequest, Kind, Operation, SecurityEvent, Severity, SlowQuery,
    SlowRequest, Thresholds, UserAction,
};
use crate::level::Level;
use crate::logger::LoggerName;
use crate::sanitize::{CardDisplay, Limits as SanitizerLimits, Redaction, Rule, SanitizerConfig};
use crate::timestamp::Timestamp;

/// The declarations, one `export` per type, in one file.
pub fn declarations() -> String {
    // Integers stay JavaScript numbers: ids and counts fit in 2^53 in practice,
    // and `bigint` does not survive `JSON.parse`.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// The barg event, its kinds, and the configuration and reports of the API,\n\
         // generated from the Rust types by `cargo test`\n\
         // (BARG_BLESS=1 rewrites it). Do not edit.\n\n\
         export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;\n",
    );
    let decls = [
        Timestamp::decl(&cfg),
        Level::decl(&cfg),
        LoggerName::decl(&cfg),
        UserId::decl(&cfg),
        Context::decl(&cfg),
        Event::decl(&cfg),
        Analytics::decl(&cfg),
        UserAction::decl(&cfg),
        Severity::decl(&cfg),
        SecurityEvent::decl(&cfg),
        Operation::decl(&cfg),
        SlowRequest::decl(&cfg),
        SlowQuery::decl(&cfg),
        DbStats::decl(&cfg),
        HttpRequest::decl(&cfg),
        ApiError::decl(&cfg),
        Kind::decl(&cfg),
        Thresholds::decl(&cfg),
        Format::decl(&cfg),
        Rule::decl(&cfg),
        Redaction::decl(&cfg),
        CardDisplay::decl(&cfg),
        SanitizerLimits::decl(&cfg),
        SanitizerConfig::decl(&cfg),
        Code::decl(&cfg),
        Violation::decl(&cfg),
        Mode::decl(&cfg),
        ValidatorLimits::decl(&cfg),
        ValidatorConfig::decl(&cfg),
    ];
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out.push_str(
        "\n/** What a producer sends: timestamp (the receiver stamps it) and extra_data may be missing. */\n\
         export type EventInput = Omit<Event, \"timestamp\" | \"extra_data\"> & { timestamp?: Timestamp, extra_data?: { [key in string]: JsonValue } };\n",
    );
    out
}
