//! When a log file rolls over. These are pure decisions over sizes, days and
//! names; the writer carries them out. Keeping them apart from the IO lets
//! the tests pin the rule exactly, with sizes and days as plain arguments.
//!
//! The size rule is CPython's `RotatingFileHandler.shouldRollover`, with two
//! deliberate differences: lengths are bytes, not characters, so a file
//! stays under its limit with multi-byte text; and an empty file never rolls
//! over, so there is never an empty backup.

use crate::timestamp::Day;

/// How a file is rotated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rotation {
    /// Roll over before the line that would make the file reach
    /// `max_bytes`, keeping `backups` rotated files (`x.log.1` is the newest).
    Size {
        /// The size the file never reaches, in bytes.
        max_bytes: u64,
        /// How many rotated files are kept; 0 never rotates, as in CPython.
        backups: u32,
    },
    /// Roll over at the first line written on a new day (UTC), keeping the
    /// rotated files of the last `keep_days` days (`x.log.2025-12-26`).
    Daily {
        /// How many dated files are kept.
        keep_days: u32,
    },
}

/// What the writer knows about an open file when a line comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileState {
    /// Bytes in the file, counting those written but not yet flushed.
    pub size: u64,
    /// The day the file's current content belongs to.
    pub day: Day,
}

/// True when the file must roll over before a line of `line_len` bytes
/// (its line break included) is appended on day `today`.
///
/// Size: CPython's `tell() + len(msg) >= maxBytes`, except that an empty
/// file does not roll over (a record longer than the limit then makes a file
/// over the limit rather than an empty backup) and that `backups == 0` never
/// rolls over, as CPython's handler does not. Daily: the first line of a new
/// day, unless the file is empty.
pub fn should_roll_over(rotation: Rotation, file: FileState, line_len: u64, today: Day) -> bool {
    if file.size == 0 {
        return false;
    }
    match rotation {
        Rotation::Size { max_bytes, backups } => {
            backups > 0 && file.size.saturating_add(line_len) >= max_bytes
        }
        Rotation::Daily { .. } => today > file.day,
    }
}

/// The name of backup `index` (1 is the newest) of the file `name`.
pub fn size_backup_name(name: &str, index: u32, gzip: bool) -> String {
    if gzip {
        format!("{name}.{index}.gz")
    } else {
        format!("{name}.{index}")
    }
}

/// Among the names of a directory, the size backups of `name` that a
/// rollover moves up one place: the indexes from 1 to `backups - 1` whose
/// file (as [`size_backup_name`] writes it) is there, oldest first, as
/// CPython moves them. Only the names there are looked at, so the work does
/// not grow with `backups`.
pub fn size_backups_to_shift<'a>(
    name: &str,
    names: impl IntoIterator<Item = &'a str>,
    backups: u32,
    gzip: bool,
) -> Vec<u32> {
    let mut found: Vec<u32> = names
        .into_iter()
        .filter_map(|candidate| {
            let rest = candidate.strip_prefix(name)?.strip_prefix('.')?;
            let index = if gzip {
                rest.strip_suffix(".gz")?
            } else {
                rest
            };
            // Exactly the digits `size_backup_name` writes: no sign, no
            // leading zero.
            let digits = !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit());
            if !digits || index.starts_with('0') {
                return None;
            }
            index.parse().ok().filter(|&index| index < backups)
        })
        .collect();
    found.sort_unstable_by(|a, b| b.cmp(a));
    found
}

/// The name of the file `name` rotated at the end of `day`.
pub fn daily_backup_name(name: &str, day: Day, gzip: bool) -> String {
    if gzip {
        format!("{name}.{day}.gz")
    } else {
        format!("{name}.{day}")
    }
}

/// Among the names of a directory, the dated backups of `name` that fall
/// outside the newest `keep_days`, oldest first. Names that are not dated
/// backups of `name` are never chosen.
pub fn expired_daily_backups<'a>(
    name: &str,
    names: impl IntoIterator<Item = &'a str>,
    keep_days: u32,
) -> Vec<&'a str> {
    let mut dated: Vec<(Day, &str)> = names
        .into_iter()
        .filter_map(|candidate| {
            let rest = candidate.strip_prefix(name)?.strip_prefix('.')?;
            let day = rest.strip_suffix(".gz").unwrap_or(rest);
            // Exactly YYYY-MM-DD: `x.log.1` and `x.log.notes` are not dated.
            if day.len() != 10 {
                return None;
            }
            let date = Day::parse(day)?;
            Some((date, candidate))
        })
        .collect();
    dated.sort();
    let keep = (keep_days as usize).min(dated.len());
    dated.truncate(dated.len() - keep);
    dated.into_iter().map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_backups_to_shift_are_those_there_oldest_first() {
        let names = [
            "a.log",
            "a.log.1",
            "a.log.2",
            "a.log.4",
            "a.log.5",
            "a.log.02",
            "a.log.+3",
            "a.log.3.gz",
            "b.log.3",
            "a.log.1.gz",
            "a.log.x",
            "a.log.2025-12-26",
        ];
        assert_eq!(size_backups_to_shift("a.log", names, 5, false), [4, 2, 1]);
        assert_eq!(size_backups_to_shift("a.log", names, 5, true), [3, 1]);
        assert_eq!(
            size_backups_to_shift("a.log", names, 1, false),
            Vec::<u32>::new()
        );
        // However many backups are kept, only the files there are moved.
        assert_eq!(
            size_backups_to_shift("a.log", names, u32::MAX, false),
            [5, 4, 2, 1]
        );
    }

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn size_rule_is_cpythons_with_bytes_and_no_empty_backup() {
        let size = |max_bytes, backups| Rotation::Size { max_bytes, backups };
        let today = day("2025-12-26");
        // (rotation, size, line_len, expected)
        let cases = [
            (size(100, 3), 0, 10, false),
            (size(100, 3), 0, 100, false), // empty: never an empty backup
            (size(100, 3), 0, 500, false), // even past the limit
            (size(100, 3), 89, 10, false), // 99 < 100
            (size(100, 3), 90, 10, true),  // 100 reaches the limit
            (size(100, 3), 91, 10, true),
            (size(100, 3), 1, 99, true),
            (size(100, 0), 99, 10, false), // no backups: CPython never rolls
            (size(1, 1), 1, 1, true),
            (size(u64::MAX, 1), u64::MAX - 1, 10, true), // no overflow
        ];
        for (rotation, size, line_len, expected) in cases {
            let state = FileState { size, day: today };
            assert_eq!(
                should_roll_over(rotation, state, line_len, today),
                expected,
                "{rotation:?} size {size} line {line_len}"
            );
        }
    }

    #[test]
    fn daily_rule_rolls_on_the_first_line_of_a_new_day() {
        let daily = Rotation::Daily { keep_days: 7 };
        let state = |size, d| FileState { size, day: day(d) };
        let cases = [
            (state(10, "2025-12-26"), "2025-12-26", false),
            (state(10, "2025-12-26"), "2025-12-27", true),
            (state(10, "2025-12-20"), "2025-12-27", true),
            (state(0, "2025-12-26"), "2025-12-27", false), // empty: nothing to keep
            (state(10, "2025-12-27"), "2025-12-26", false), // clock went back
        ];
        for (file, today, expected) in cases {
            assert_eq!(
                should_roll_over(daily, file, 1, day(today)),
                expected,
                "{file:?} {today}"
            );
        }
    }

    #[test]
    fn backup_names() {
        assert_eq!(size_backup_name("errors.log", 1, false), "errors.log.1");
        assert_eq!(size_backup_name("errors.log", 10, true), "errors.log.10.gz");
        assert_eq!(
            daily_backup_name("a.log", day("2025-01-02"), false),
            "a.log.2025-01-02"
        );
        assert_eq!(
            daily_backup_name("a.log", day("2025-01-02"), true),
            "a.log.2025-01-02.gz"
        );
    }

    #[test]
    fn expired_daily_backups_keep_the_newest_days() {
        let names = [
            "a.log",
            "a.log.2025-01-03",
            "a.log.2025-01-01.gz",
            "a.log.2025-01-02",
            "a.log.1",
            "a.log.notes",
            "b.log.2024-01-01",
            "a.log.2025-13-01",
            "a.log.2025-01-04.gz",
        ];
        assert_eq!(
            expired_daily_backups("a.log", names, 2),
            ["a.log.2025-01-01.gz", "a.log.2025-01-02"]
        );
        assert_eq!(
            expired_daily_backups("a.log", names, 10),
            Vec::<&str>::new()
        );
        assert_eq!(expired_daily_backups("a.log", names, 0).len(), 4);
    }
}
