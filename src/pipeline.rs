//! Validate, sanitize and format one untrusted event in one call: the path
//! an event takes before it leaves a page (the npm package's `Pipeline`).
//!
//! The event is read as the writer reads it ([`Validator::check_deferred`]):
//! its `extra_data` is never built, but sanitized in the validator's tree
//! ([`crate::Checked::sanitize_data`]), which copies out of the input only
//! what it redacts, and the JSON format writes it from there. The line and
//! the report are those of [`Validator::check`], [`Sanitizer::sanitize`] and
//! [`Formatter::write`] one after the other.

use crate::format::Formatter;
use crate::sanitize::{Parts, Report, Sanitizer};
use crate::timestamp::Timestamp;
use crate::validate::{Validator, Violation};

/// A valid event, sanitized and formatted.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// The sanitized event in the pipeline's format, without a line break.
    pub line: String,
    /// What the sanitizer changed, in the whole event (also in the parts that
    /// a text format does not write).
    pub report: Report,
    /// What lenient mode let through (unknown fields, dropped).
    pub warnings: Vec<Violation>,
}

/// Why an event was not prepared.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    /// Everything that makes the input invalid, as [`Validator::check`]
    /// gives it.
    pub violations: Vec<Violation>,
    /// What lenient mode let through.
    pub warnings: Vec<Violation>,
}

/// A validator, a sanitizer and a formatter, each compiled once.
#[derive(Clone, Debug)]
pub struct Pipeline {
    validator: Validator,
    sanitizer: Sanitizer,
    formatter: Formatter,
}

impl Pipeline {
    /// A pipeline of these three steps.
    pub fn new(validator: Validator, sanitizer: Sanitizer, formatter: Formatter) -> Pipeline {
        Pipeline {
            validator,
            sanitizer,
            formatter,
        }
    }

    /// One event's text through the pipeline: the line, or why not. An
    /// event without a timestamp gets `received`.
    pub fn prepare(&self, input: &[u8], received: Timestamp) -> Result<Prepared, Invalid> {
        let Ok(mut checked) = self.validator.check_deferred(input, received) else {
            // Again, for the warnings that came with the violations: an
            // invalid event is the rare case.
            let verdict = self.validator.check(input, received);
            return Err(Invalid {
                violations: verdict.violations,
                warnings: verdict.warnings,
            });
        };
        let sanitizer = &self.sanitizer;
        let mut report = sanitizer.sanitize_parts(&mut checked.event, Parts::Text);
        report.append(checked.sanitize_data(sanitizer));
        let mut line = Vec::with_capacity(256 + input.len());
        match self.formatter.writes_data() {
            true => self
                .formatter
                .write_with_data(&checked.event, &checked.data_json(), &mut line),
            false => self.formatter.write(&checked.event, &mut line),
        }
        Ok(Prepared {
            line: crate::format::text_of(line),
            report,
            warnings: checked.warnings,
        })
    }
}
