//! Instants of events: parsing what producers send, writing what formats need.
//!
//! Written out by hand rather than with a date library: the parsing and
//! writing barg needs are two fixed shapes, and a general date library costs
//! more in the wasm build than the whole of this module. The calendar
//! arithmetic is checked against chrono in the tests.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const MICROS_PER_SECOND: i64 = 1_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// 0000-01-01T00:00:00Z, the first instant RFC 3339 can write.
const MIN_MICROS: i64 = -62_167_219_200 * MICROS_PER_SECOND;
/// 9999-12-31T23:59:59.999999Z, the last.
const MAX_MICROS: i64 = 253_402_300_800 * MICROS_PER_SECOND - 1;

/// The instant an event happened, in UTC, to the microsecond, between the
/// years 0000 and 9999.
///
/// Microseconds are Python's resolution: finer input is truncated when it is
/// read, so an event written as JSON and read back is the same event. A leap
/// second (`23:59:60`) is read as `23:59:59.999999`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "schema", derive(ts_rs::TS), ts(type = "string"))]
pub struct Timestamp {
    micros: i64,
}

/// A calendar day in UTC, such as the day a log file's lines belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// Days since 1970-01-01.
    days: i64,
}

/// A UTC offset, such as `+03:30`, for writing times in a zone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Offset {
    seconds: i32,
}

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
    /// 1970-01-01T00:00:00Z.
    pub const EPOCH: Timestamp = Timestamp { micros: 0 };

    /// The current time from the system clock. The core never calls this:
    /// callers pass the time in, so that everything the core does is
    /// repeatable. (In wasm, the JS face reads the JS clock instead.)
    #[cfg(not(target_arch = "wasm32"))]
    pub fn now() -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let micros = i64::try_from(since_epoch.as_micros()).unwrap_or(MAX_MICROS);
        Timestamp {
            micros: micros.min(MAX_MICROS),
        }
    }

    /// The instant `micros` microseconds after the Unix epoch; `None` outside
    /// the years 0000 to 9999.
    pub fn from_unix_micros(micros: i64) -> Option<Timestamp> {
        (MIN_MICROS..=MAX_MICROS)
            .contains(&micros)
            .then_some(Timestamp { micros })
    }

    /// Microseconds since the Unix epoch.
    pub fn unix_micros(self) -> i64 {
        self.micros
    }

    /// Reads RFC 3339 with any offset (`T`, `t` or a space between date and
    /// time), or the seed's naive form without a zone, which is taken as UTC.
    pub fn parse(input: &str) -> Result<Timestamp, TimestampError> {
        Reader {
            text: input.as_bytes(),
            at: 0,
        }
        .timestamp()
        .map_err(|reason| TimestampError {
            input: input.to_owned(),
            reason,
        })
    }

    /// Appends `YYYY-MM-DD HH:MM:SS` at `zone`'s offset, as Python's
    /// `datefmt='%Y-%m-%d %H:%M:%S'`.
    pub fn write_seconds(self, zone: Offset, out: &mut Vec<u8>) {
        let (_, (date, seconds, _)) = self.shown_in(zone);
        let mut text = [b' '; 19];
        text[..10].copy_from_slice(&date_text(date));
        text[11..].copy_from_slice(&time_text(seconds));
        out.extend_from_slice(&text);
    }

    /// Appends RFC 3339 with microseconds at `zone`'s offset: `Z` for UTC,
    /// else the offset, such as `2025-12-26T14:00:45.123456+03:30`.
    pub fn write_rfc3339(self, zone: Offset, out: &mut Vec<u8>) {
        let (zone, (date, seconds, micros)) = self.shown_in(zone);
        let mut text = [b'T'; 26];
        text[..10].copy_from_slice(&date_text(date));
        text[11..19].copy_from_slice(&time_text(seconds));
        text[19] = b'.';
        let (high, low) = (micros / 1000, micros % 1000);
        for (at, part) in [(20, high), (23, low)] {
            text[at..at + 3].copy_from_slice(&[
                digit(part / 100),
                digit(part / 10 % 10),
                digit(part % 10),
            ]);
        }
        out.extend_from_slice(&text);
        zone.write(out);
    }

    /// The day (in UTC) the instant falls on.
    pub fn day(self) -> Day {
        Day {
            days: self.micros.div_euclid(MICROS_PER_SECOND * SECONDS_PER_DAY),
        }
    }

    /// `zone`, or UTC where the local date would be past the years four
    /// digits write (an instant of 9999-12-31 east of UTC, of 0000-01-01
    /// west of it), with the instant's [`Timestamp::civil`] time in it: the
    /// instant is written right, in UTC, rather than a year off.
    fn shown_in(self, zone: Offset) -> (Offset, Civil) {
        let local = self.civil(zone);
        let ((year, _, _), _, _) = local;
        if (0..=9999).contains(&year) {
            (zone, local)
        } else {
            (Offset::UTC, self.civil(Offset::UTC))
        }
    }

    /// The local date, second of the day and microsecond at `zone`.
    fn civil(self, zone: Offset) -> Civil {
        let local = self.micros + i64::from(zone.seconds) * MICROS_PER_SECOND;
        let seconds = local.div_euclid(MICROS_PER_SECOND);
        let micros = local.rem_euclid(MICROS_PER_SECOND) as u32;
        let days = seconds.div_euclid(SECONDS_PER_DAY);
        let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY) as u32;
        (civil_from_days(days), second_of_day, micros)
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with microseconds, as the JSON format writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(27);
        self.write_rfc3339(Offset::UTC, &mut out);
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

impl Day {
    /// Reads exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Day> {
        let mut reader = Reader {
            text: text.as_bytes(),
            at: 0,
        };
        let year = reader.number(4, "year").ok()?;
        reader.expect(b"-", "'-'").ok()?;
        let month = reader.number(2, "month").ok()?;
        reader.expect(b"-", "'-'").ok()?;
        let day = reader.number(2, "day").ok()?;
        let valid = reader.at == text.len()
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day);
        valid.then(|| Day {
            days: days_from_civil(i64::from(year), month, day),
        })
    }

    /// The day after.
    pub fn next(self) -> Day {
        Day {
            days: self.days + 1,
        }
    }
}

impl fmt::Display for Day {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&date_text(civil_from_days(
            self.days,
        ))))
    }
}

impl Offset {
    /// UTC itself.
    pub const UTC: Offset = Offset { seconds: 0 };

    /// The offset east of UTC in seconds; `None` beyond ±23:59.
    pub fn from_seconds(seconds: i32) -> Option<Offset> {
        (seconds.abs() < 24 * 3600).then_some(Offset { seconds })
    }

    /// Seconds east of UTC.
    pub fn seconds(self) -> i32 {
        self.seconds
    }

    /// Reads `Z`, `UTC`, `+03:30`, `-0500` or `+03`.
    pub fn parse(input: &str) -> Result<Offset, String> {
        let text = input.trim();
        if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
            return Ok(Offset::UTC);
        }
        let bad = || format!("time zone {input:?} is not an offset such as Z, +03:30 or -05:00");
        let (sign, rest) = match text.as_bytes().first() {
            Some(b'+') => (1, &text[1..]),
            Some(b'-') => (-1, &text[1..]),
            _ => return Err(bad()),
        };
        let digits = match rest.as_bytes() {
            [h1, h2] => [*h1, *h2, b'0', b'0'],
            [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => [*h1, *h2, *m1, *m2],
            _ => return Err(bad()),
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let number = |pair: &[u8]| i32::from(pair[0] - b'0') * 10 + i32::from(pair[1] - b'0');
        let (hours, minutes) = (number(&digits[..2]), number(&digits[2..]));
        if hours > 23 || minutes > 59 {
            return Err(bad());
        }
        Ok(Offset {
            seconds: sign * (hours * 3600 + minutes * 60),
        })
    }

    fn write(self, out: &mut Vec<u8>) {
        if self.seconds == 0 {
            out.push(b'Z');
            return;
        }
        out.push(if self.seconds < 0 { b'-' } else { b'+' });
        // Under 24 hours: two digits each.
        let minutes = self.seconds.unsigned_abs() / 60;
        let ([h0, h1], [m0, m1]) = (two_digits(minutes / 60), two_digits(minutes % 60));
        out.extend_from_slice(&[h0, h1, b':', m0, m1]);
    }
}

/// Parses an offset; see [`Offset::parse`].
pub fn parse_offset(input: &str) -> Result<Offset, String> {
    Offset::parse(input)
}

/// A cursor over a timestamp's bytes. Each method reads one part and says
/// precisely what it expected where, for the error message.
struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn timestamp(mut self) -> Result<Timestamp, String> {
        let year = self.number(4, "year")?;
        self.expect(b"-", "'-'")?;
        let month = self.number(2, "month")?;
        self.expect(b"-", "'-'")?;
        let day = self.number(2, "day")?;
        self.expect(b"Tt ", "'T' or a space")?;
        let hour = self.number(2, "hour")?;
        self.expect(b":", "':'")?;
        let minute = self.number(2, "minute")?;
        self.expect(b":", "':'")?;
        let mut second = self.number(2, "second")?;
        let mut micros = 0;
        if self.peek() == Some(b'.') {
            self.at += 1;
            micros = self.fraction()?;
        }
        let offset = self.zone()?;
        if self.at < self.text.len() {
            return Err(format!("unexpected text at byte {}", self.at));
        }

        if !(1..=12).contains(&month) {
            return Err(format!("month {month} does not exist"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("day {day} does not exist in {year:04}-{month:02}"));
        }
        if hour > 23 || minute > 59 || second > 60 {
            return Err(format!(
                "time {hour:02}:{minute:02}:{second:02} does not exist"
            ));
        }
        if second == 60 {
            // A leap second: formats cannot write it, so it becomes the last
            // microsecond of the second before.
            second = 59;
            micros = 999_999;
        }
        let days = days_from_civil(i64::from(year), month, day);
        let seconds = days * SECONDS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second)
            - i64::from(offset.seconds);
        Timestamp::from_unix_micros(seconds * MICROS_PER_SECOND + i64::from(micros))
            .ok_or_else(|| "the instant falls outside the years 0000 to 9999".to_owned())
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn expect(&mut self, one_of: &[u8], what: &str) -> Result<(), String> {
        match self.peek() {
            Some(b) if one_of.contains(&b) => {
                self.at += 1;
                Ok(())
            }
            _ => Err(format!("expected {what} at byte {}", self.at)),
        }
    }

    fn number(&mut self, digits: usize, what: &str) -> Result<u32, String> {
        let start = self.at;
        let mut value = 0;
        for _ in 0..digits {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(b - b'0');
                    self.at += 1;
                }
                _ => {
                    return Err(format!(
                        "expected the {what} ({digits} digits) at byte {start}"
                    ));
                }
            }
        }
        Ok(value)
    }

    /// Reads the digits after the decimal point, keeping six: finer digits
    /// are truncated, as Python's resolution is the microsecond.
    fn fraction(&mut self) -> Result<u32, String> {
        let start = self.at;
        let mut micros = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if self.at - start < 6 {
                micros = micros * 10 + u32::from(b - b'0');
            }
            self.at += 1;
        }
        let read = self.at - start;
        if read == 0 {
            return Err(format!("expected fraction digits at byte {start}"));
        }
        Ok(micros * 10u32.pow(6u32.saturating_sub(read as u32)))
    }

    fn zone(&mut self) -> Result<Offset, String> {
        let sign = match self.peek() {
            None => return Ok(Offset::UTC),
            Some(b'Z' | b'z') => {
                self.at += 1;
                return Ok(Offset::UTC);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err(format!("expected 'Z', '+' or '-' at byte {}", self.at)),
        };
        self.at += 1;
        let hours = self.number(2, "offset hours")?;
        self.expect(b":", "':' in the offset")?;
        let minutes = self.number(2, "offset minutes")?;
        if hours > 23 || minutes > 59 {
            return Err(format!("offset {hours:02}:{minutes:02} does not exist"));
        }
        Ok(Offset {
            seconds: sign * (hours * 3600 + minutes * 60) as i32,
        })
    }
}

fn is_leap_year(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count from 1970-01-01, the inverse
/// of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A local time: the date (year, month, day), the second of the day and
/// the microsecond.
type Civil = ((i64, u32, u32), u32, u32);

/// `YYYY-MM-DD`.
fn date_text((year, month, day): (i64, u32, u32)) -> [u8; 10] {
    // Timestamps hold years 0000 to 9999, and one is written in UTC where
    // an offset would push its local date past either end.
    let year = year.clamp(0, 9999) as u32;
    let [m0, m1] = two_digits(month);
    let [d0, d1] = two_digits(day);
    let [y0, y1] = two_digits(year / 100);
    let [y2, y3] = two_digits(year % 100);
    [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1]
}

/// `HH:MM:SS`.
fn time_text(second_of_day: u32) -> [u8; 8] {
    let [h0, h1] = two_digits(second_of_day / 3600);
    let [m0, m1] = two_digits(second_of_day / 60 % 60);
    let [s0, s1] = two_digits(second_of_day % 60);
    [h0, h1, b':', m0, m1, b':', s0, s1]
}

/// A number under 100 as two digits.
fn two_digits(value: u32) -> [u8; 2] {
    [digit(value / 10), digit(value % 10)]
}

/// The ASCII digit of a number under 10.
fn digit(value: u32) -> u8 {
    b'0' + (value % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases = [
            ("2025-12-26T10:30:45.123456Z", "2025-12-26T10:30:45.123456Z"),
            ("2025-12-26T10:30:45Z", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26t10:30:45z", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26 10:30:45+00:00", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26T14:00:45.5+03:30", "2025-12-26T10:30:45.500000Z"),
            ("2025-12-26T05:30:45-05:00", "2025-12-26T10:30:45.000000Z"),
            ("2025-12-26T10:30:45-00:00", "2025-12-26T10:30:45.000000Z"),
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
            ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000000Z"),
            ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000000Z"),
            ("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"),
            ("1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"),
        ];
        for (input, expected) in cases {
            let parsed = Timestamp::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(parsed.to_string(), expected, "{input}");
        }
    }

    #[test]
    fn rejected_forms_say_why() {
        let cases = [
            ("", "expected the year (4 digits) at byte 0"),
            ("2025-12-26", "expected 'T' or a space at byte 10"),
            ("2025-13-01T00:00:00Z", "month 13 does not exist"),
            ("2025-02-29T00:00:00Z", "day 29 does not exist in 2025-02"),
            ("2025-12-26T25:00:00", "time 25:00:00 does not exist"),
            (
                "2025-12-26T10:30:45+3",
                "expected the offset hours (2 digits) at byte 20",
            ),
            (
                "2025-12-26T10:30:45+0330",
                "expected ':' in the offset at byte 22",
            ),
            (
                "2025-12-26T10:30:45 Z",
                "expected 'Z', '+' or '-' at byte 19",
            ),
            (
                "2025-12-26T10:30:45.Z",
                "expected fraction digits at byte 20",
            ),
            (
                "26/12/2025 10:30:45",
                "expected the year (4 digits) at byte 0",
            ),
            ("1766745045", "expected '-' at byte 4"),
            (
                "2025-12-26T10:30:45.123456Zjunk",
                "unexpected text at byte 27",
            ),
            (
                "0000-01-01T00:00:00+01:00",
                "the instant falls outside the years 0000 to 9999",
            ),
            (
                "۲۰۲۵-12-26T10:30:45Z",
                "expected the year (4 digits) at byte 0",
            ),
        ];
        for (input, reason) in cases {
            let error = Timestamp::parse(input).expect_err(input);
            assert_eq!(
                (error.input.as_str(), error.reason.as_str()),
                (input, reason)
            );
        }
    }

    #[test]
    fn writes_in_a_zone() {
        let t = Timestamp::parse("2025-12-26T22:30:45.000001Z").unwrap();
        let tehran = Offset::parse("+03:30").unwrap();
        let mut out = Vec::new();
        t.write_seconds(tehran, &mut out);
        assert_eq!(out, b"2025-12-27 02:00:45");
        out.clear();
        t.write_rfc3339(tehran, &mut out);
        assert_eq!(out, b"2025-12-27T02:00:45.000001+03:30");
        out.clear();
        t.write_rfc3339(Offset::parse("-0930").unwrap(), &mut out);
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
                Offset::parse(input).map(Offset::seconds),
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
            "+۰۳:۳۰",
        ] {
            assert!(Offset::parse(input).is_err(), "{input}");
        }
        assert_eq!(Offset::from_seconds(86_400), None);
    }

    #[test]
    fn days() {
        let day = Timestamp::parse("2025-12-26T23:59:59.999999Z")
            .unwrap()
            .day();
        assert_eq!(day.to_string(), "2025-12-26");
        assert_eq!(Day::parse("2025-12-26"), Some(day));
        assert_eq!(Day::parse("2025-12-27").unwrap().to_string(), "2025-12-27");
        assert!(Day::parse("2025-12-25") < Some(day));
        for bad in [
            "2025-12-32",
            "2025-2-01",
            "2025-12-26x",
            "notes",
            "2025-13-01",
            "",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Timestamp::parse("1969-12-31T23:00:00Z")
                .unwrap()
                .day()
                .to_string(),
            "1969-12-31"
        );
    }

    #[test]
    fn a_local_date_past_the_years_written_is_written_in_utc() {
        let write = |input: &str, zone: &str| {
            let (mut rfc, mut seconds) = (Vec::new(), Vec::new());
            let (instant, zone) = (
                Timestamp::parse(input).unwrap(),
                Offset::parse(zone).unwrap(),
            );
            instant.write_rfc3339(zone, &mut rfc);
            instant.write_seconds(zone, &mut seconds);
            (
                String::from_utf8(rfc).unwrap(),
                String::from_utf8(seconds).unwrap(),
            )
        };
        let cases = [
            (
                "9999-12-31T23:59:59.999999Z",
                "+03:30",
                "9999-12-31T23:59:59.999999Z",
                "9999-12-31 23:59:59",
            ),
            (
                "0000-01-01T00:00:00Z",
                "-05:00",
                "0000-01-01T00:00:00.000000Z",
                "0000-01-01 00:00:00",
            ),
            (
                "9999-12-31T20:00:00Z",
                "+03:30",
                "9999-12-31T23:30:00.000000+03:30",
                "9999-12-31 23:30:00",
            ),
            (
                "0000-01-01T05:00:00Z",
                "-05:00",
                "0000-01-01T00:00:00.000000-05:00",
                "0000-01-01 00:00:00",
            ),
        ];
        for (input, zone, rfc, seconds) in cases {
            assert_eq!(
                write(input, zone),
                (rfc.to_owned(), seconds.to_owned()),
                "{input} {zone}"
            );
        }
    }

    #[test]
    fn range_ends() {
        assert!(Timestamp::from_unix_micros(MIN_MICROS).is_some());
        assert!(Timestamp::from_unix_micros(MIN_MICROS - 1).is_none());
        assert!(Timestamp::from_unix_micros(MAX_MICROS).is_some());
        assert!(Timestamp::from_unix_micros(MAX_MICROS + 1).is_none());
    }
}
