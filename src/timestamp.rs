//! Instants of events: parsing what producers send, writing what formats need.

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Offset, SubsecRound, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The instant an event happened, in UTC, to the microsecond.
///
/// Microseconds are Python's resolution: finer input is truncated when it is
/// read, so an event written as JSON and read back is the same event. A leap
/// second (`23:59:60`) is read as `23:59:59.999999`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "schema", derive(ts_rs::TS), ts(type = "string"))]
pub struct Timestamp(DateTime<Utc>);

/// A string that is neither RFC 3339 nor the seed's naive form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "timestamp {input:?} is not RFC 3339 (2025-12-26T10:30:45.123456+03:30) nor the naive UTC form (2025-12-26T10:30:45.123456): {reason}"
)]
pub struct TimestampError {
    /// The rejected text.
    pub input: String,
    /// What the parser stumbled on.
    pub reason: String,
}

impl Timestamp {
    /// The current time. The core never calls this: callers pass the time in,
    /// so that everything the core does is repeatable.
    pub fn now() -> Timestamp {
        Timestamp::from_utc(Utc::now())
    }

    /// An instant, truncated to the microsecond.
    pub fn from_utc(instant: DateTime<Utc>) -> Timestamp {
        let instant = instant.trunc_subsecs(6);
        // A leap second is kept by chrono as nanoseconds past one billion;
        // formats have no way to write it, so it becomes the last microsecond
        // of the previous second.
        match instant.nanosecond() {
            0..=999_999_999 => Timestamp(instant),
            _ => Timestamp(instant.with_nanosecond(999_999_000).unwrap_or(instant)),
        }
    }

    /// Microseconds since the Unix epoch, `None` when out of range.
    pub fn from_unix_micros(micros: i64) -> Option<Timestamp> {
        DateTime::from_timestamp_micros(micros).map(Timestamp::from_utc)
    }

    /// Reads RFC 3339 with any offset (`T` or a space between date and time),
    /// or the seed's naive form without a zone, which is taken as UTC.
    pub fn parse(input: &str) -> Result<Timestamp, TimestampError> {
        let error = |reason: &dyn fmt::Display| TimestampError {
            input: input.to_owned(),
            reason: reason.to_string(),
        };
        match DateTime::parse_from_rfc3339(input) {
            Ok(instant) => Ok(Timestamp::from_utc(instant.to_utc())),
            Err(rfc_error) if has_zone(input) => Err(error(&rfc_error)),
            // chrono reads the naive form with `T` only; the seed's space
            // separator is swapped for it first.
            Err(_) => match input.as_bytes().get(10) {
                Some(b' ') => format!("{}T{}", &input[..10], &input[11..]).parse::<NaiveDateTime>(),
                _ => input.parse::<NaiveDateTime>(),
            }
            .map(|naive| Timestamp::from_utc(naive.and_utc()))
            .map_err(|e| error(&e)),
        }
    }

    /// The instant in UTC.
    pub fn to_utc(self) -> DateTime<Utc> {
        self.0
    }

    /// Microseconds since the Unix epoch.
    pub fn unix_micros(self) -> i64 {
        self.0.timestamp_micros()
    }

    /// Appends `YYYY-MM-DD HH:MM:SS` in `zone`, as Python's
    /// `datefmt='%Y-%m-%d %H:%M:%S'`.
    pub fn write_seconds(self, zone: FixedOffset, out: &mut Vec<u8>) {
        let local = self.0.with_timezone(&zone);
        write_date(local.year(), local.month(), local.day(), out);
        out.push(b' ');
        write_time(local.hour(), local.minute(), local.second(), out);
    }

    /// Appends RFC 3339 with microseconds in `zone`: `Z` for UTC, else the
    /// offset, such as `2025-12-26T14:00:45.123456+03:30`.
    pub fn write_rfc3339(self, zone: FixedOffset, out: &mut Vec<u8>) {
        let local = self.0.with_timezone(&zone);
        write_date(local.year(), local.month(), local.day(), out);
        out.push(b'T');
        write_time(local.hour(), local.minute(), local.second(), out);
        out.push(b'.');
        push_digits(local.nanosecond() / 1000, 6, out);
        write_offset(zone, out);
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with microseconds, as the JSON format writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(27);
        self.write_rfc3339(utc(), &mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The UTC offset, for places that need a `FixedOffset`.
pub fn utc() -> FixedOffset {
    Utc.fix()
}

/// Parses an offset written `Z`, `UTC`, `+03:30`, `-0500` or `+03`.
pub fn parse_offset(input: &str) -> Result<FixedOffset, String> {
    let text = input.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Ok(utc());
    }
    let bad = || format!("time zone {input:?} is not an offset such as Z, +03:30 or -05:00");
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(bad()),
    };
    let (hours, minutes) = match rest.len() {
        2 => (rest, "00"),
        4 => rest.split_at(2),
        5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
        _ => return Err(bad()),
    };
    let number = |s: &str| {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse::<i32>().ok()
        } else {
            None
        }
    };
    let (Some(h), Some(m)) = (number(hours), number(minutes)) else {
        return Err(bad());
    };
    if h > 23 || m > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// True when the text ends with a zone designator: `Z` or `±HH:MM` after the
/// time. Used to tell a bad RFC 3339 string from a naive one.
fn has_zone(input: &str) -> bool {
    let Some(time) = input.get(10..) else {
        return false;
    };
    time.ends_with(['Z', 'z'])
        || time.contains(['+'])
        || time.get(1..).is_some_and(|t| t.contains('-'))
}

fn write_date(year: i32, month: u32, day: u32, out: &mut Vec<u8>) {
    if (0..=9999).contains(&year) {
        push_digits(year.unsigned_abs(), 4, out);
    } else {
        // Outside RFC 3339's range; written as chrono writes it.
        out.extend_from_slice(format!("{year:+05}").as_bytes());
    }
    out.push(b'-');
    push_digits(month, 2, out);
    out.push(b'-');
    push_digits(day, 2, out);
}

fn write_time(hour: u32, minute: u32, second: u32, out: &mut Vec<u8>) {
    push_digits(hour, 2, out);
    out.push(b':');
    push_digits(minute, 2, out);
    out.push(b':');
    push_digits(second, 2, out);
}

fn write_offset(zone: FixedOffset, out: &mut Vec<u8>) {
    let seconds = zone.local_minus_utc();
    if seconds == 0 {
        out.push(b'Z');
        return;
    }
    out.push(if seconds < 0 { b'-' } else { b'+' });
    let minutes = seconds.unsigned_abs() / 60;
    push_digits(minutes / 60, 2, out);
    out.push(b':');
    push_digits(minutes % 60, 2, out);
}

/// Appends `value` zero-padded to `width` digits.
fn push_digits(value: u32, width: usize, out: &mut Vec<u8>) {
    let mut digits = [b'0'; 10];
    let mut rest = value;
    let mut at = digits.len();
    while rest > 0 && at > 0 {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let start = at.min(digits.len() - width.min(digits.len()));
    out.extend_from_slice(&digits[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(t: Timestamp) -> String {
        t.to_string()
    }

    #[test]
    fn accepted_forms() {
        let cases = [
            ("2025-12-26T10:30:45.123456Z", "2025-12-26T10:30:45.123456Z"),
            ("2025-12-26T10:30:45Z", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26t10:30:45z", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26 10:30:45+00:00", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26T14:00:45.5+03:30", "2025-12-26T10:30:45.500000Z"),
            ("2025-12-26T05:30:45-05:00", "2025-12-26T10:30:45.000000Z"),
            // The seed's naive forms are UTC.
            ("2025-12-26T10:30:45.123456", "2025-12-26T10:30:45.123456Z"),
            ("2025-12-26T10:30:45", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26 10:30:45.123", "2025-12-26T10:30:45.123000Z"),
            // Finer than microseconds is truncated, not rounded.
            (
                "2025-12-26T10:30:45.123456999Z",
                "2025-12-26T10:30:45.123456Z",
            ),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999Z"),
        ];
        for (input, expected) in cases {
            let parsed = Timestamp::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(rfc(parsed), expected, "{input}");
        }
    }

    #[test]
    fn rejected_forms() {
        let cases = [
            "",
            "2025-12-26",
            "2025-13-01T00:00:00Z",
            "2025-12-26T25:00:00",
            "2025-12-26T10:30:45+3",
            "2025-12-26T10:30:45 Z",
            "26/12/2025 10:30:45",
            "1766745045",
            "2025-12-26T10:30:45.123456Zjunk",
        ];
        for input in cases {
            let error = Timestamp::parse(input).expect_err(input);
            assert_eq!(error.input, input);
        }
    }

    #[test]
    fn writes_in_a_zone() {
        let t = Timestamp::parse("2025-12-26T22:30:45.000001Z").unwrap();
        let tehran = parse_offset("+03:30").unwrap();
        let mut out = Vec::new();
        t.write_seconds(tehran, &mut out);
        assert_eq!(out, b"2025-12-27 02:00:45");
        out.clear();
        t.write_rfc3339(tehran, &mut out);
        assert_eq!(out, b"2025-12-27T02:00:45.000001+03:30");
        out.clear();
        t.write_rfc3339(parse_offset("-0930").unwrap(), &mut out);
        assert_eq!(out, b"2025-12-26T13:00:45.000001-09:30");
    }

    #[test]
    fn offsets() {
        let ok = [
            ("Z", 0),
            ("utc", 0),
            ("+03:30", 12600),
            ("-05", -18000),
            ("+0545", 20700),
        ];
        for (input, seconds) in ok {
            assert_eq!(
                parse_offset(input).map(|o| o.local_minus_utc()),
                Ok(seconds),
                "{input}"
            );
        }
        for input in [
            "",
            "03:30",
            "+3:30",
            "+24:00",
            "+03:60",
            "Asia/Tehran",
            "+03:3x",
        ] {
            assert!(parse_offset(input).is_err(), "{input}");
        }
    }
}
