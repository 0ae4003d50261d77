//! Validate, sanitize and format one untrusted event in one call: the path
//! an event takes before it leaves a page (the npm package's `Pipeline`).
//!
//! The event is read as the writer reads it ([`Validator::check_deferred`]):
//! its `extra_data` is never built, but sanitized in the validator's tree
//! ([`crate::Checked::sanitize_data`]), which copies out of the input only
//! what it redacts, and the JSON format writes it from there
//! ([`crate::Checked::write_line`]). The line and
//! the report are those of [`Validator::check`], [`Sanitizer::sanitize`] and
//! [`Formatter::write`] one after the other.

use crate::format::Formatter;
use crate::sanitize::{Parts, Report, Sanitizer};
use crate::timestamp::Timestamp;
use crate::validate::{Checked, Invalid, Validator, Violation};

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

    /// The validator.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }

    /// The sanitizer.
    pub fn sanitizer(&self) -> &Sanitizer {
        &self.sanitizer
    }

    /// One event's text through the pipeline: the line, or why not. An
    /// event without a timestamp gets `received`.
    pub fn prepare(&self, input: &[u8], received: Timestamp) -> Result<Prepared, Invalid> {
        let (checked, report) = self.check_and_sanitize(input, received)?;
        let mut line = Vec::with_capacity(256 + input.len());
        checked.write_line(&self.formatter, &mut line);
        Ok(Prepared {
            line: crate::format::text_of(line),
            report,
            warnings: checked.warnings,
        })
    }

    /// The first two steps of [`Pipeline::prepare`]: the valid event,
    /// sanitized, its `extra_data` still the validator's tree (for a caller
    /// that writes it some other way), and what the sanitizer changed.
    pub fn check_and_sanitize<'a>(
        &self,
        input: &'a [u8],
        received: Timestamp,
    ) -> Result<(Checked<'a>, Report), Invalid> {
        let mut checked = self.validator.check_deferred(input, received)?;
        let sanitizer = &self.sanitizer;
        let mut report = sanitizer.sanitize_parts(&mut checked.event, Parts::Text);
        report.append(checked.sanitize_data(sanitizer));
        Ok((checked, report))
    }
}
