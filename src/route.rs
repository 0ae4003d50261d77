//! Routing: which log files an event goes to. The route table is data, and
//! [`RouteTable::route`] is a pure function of it and the event.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::event::Event;
use crate::format::Format;
use crate::level::Level;
use crate::logger::LoggerName;
use crate::timestamp::Timestamp;
use crate::validate::{Validator, Violation};

/// The file, beside the routed ones, where the writer appends what it
/// refuses: input that is not JSON, or not a valid event.
pub const REJECTED_LOG: &str = "rejected.log";

/// The loggers a file takes: all of them, or a logger and its descendants.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LoggerPattern {
    /// `"*"`: every logger.
    All,
    /// A logger name: that logger and every logger within it.
    Within(LoggerName),
}

impl LoggerPattern {
    /// True when the pattern takes `logger`.
    pub fn matches(&self, logger: &LoggerName) -> bool {
        match self {
            LoggerPattern::All => true,
            LoggerPattern::Within(ancestor) => logger.is_within(ancestor.as_str()),
        }
    }

    /// Reads `"*"` or a logger name.
    pub fn parse(text: &str) -> Result<LoggerPattern, crate::logger::LoggerNameError> {
        match text {
            "*" => Ok(LoggerPattern::All),
            name => LoggerName::new(name).map(LoggerPattern::Within),
        }
    }
}

impl fmt::Display for LoggerPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoggerPattern::All => f.write_str("*"),
            LoggerPattern::Within(name) => f.write_str(name.as_str()),
        }
    }
}

impl Serialize for LoggerPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LoggerPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LoggerPattern::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// One log file and the events it takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRoute {
    /// The file's path, relative to the log directory.
    pub path: String,
    /// How each event is written.
    pub format: Format,
    /// The size at which the file is rotated, in bytes.
    pub max_bytes: u64,
    /// How many rotated files are kept.
    pub backups: u32,
    /// The least severe level the file takes.
    #[serde(default = "least_severe")]
    pub min_level: Level,
    /// The loggers the file takes.
    pub loggers: Vec<LoggerPattern>,
    /// Loggers it refuses even when `loggers` takes them.
    #[serde(default)]
    pub exclude: Vec<LoggerPattern>,
}

fn least_severe() -> Level {
    Level::Debug
}

impl FileRoute {
    /// True when the file takes the event.
    pub fn takes(&self, event: &Event) -> bool {
        event.level >= self.min_level
            && self.loggers.iter().any(|p| p.matches(&event.logger))
            && !self.exclude.iter().any(|p| p.matches(&event.logger))
    }
}

/// Every log file, and the level below which no file takes an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    /// The threshold: events less severe go nowhere.
    pub level: Level,
    /// The files, in the order routes are reported.
    pub files: Vec<FileRoute>,
}

/// Ten megabytes, the seed's file size.
const TEN_MB: u64 = 10 * 1024 * 1024;

impl RouteTable {
    /// The seed's six files, with their sizes and backup counts.
    ///
    /// `analytics.log` is JSON as in the seed; `audit.log` is JSON too, since
    /// the audit trail's record of who did what to which object lives in
    /// `extra_data`, which the text formats do not print. `errors.log` is
    /// verbose, so an error's source location is at hand.
    pub fn seed(level: Level) -> RouteTable {
        let file = |path: &str, format, backups, min_level, loggers: &[&str], exclude: &[&str]| {
            let patterns = |names: &[&str]| {
                names
                    .iter()
                    .map(|n| match *n {
                        "*" => LoggerPattern::All,
                        name => LoggerPattern::Within(LoggerName::trusted(name)),
                    })
                    .collect()
            };
            FileRoute {
                path: path.to_owned(),
                format,
                max_bytes: TEN_MB,
                backups,
                min_level,
                loggers: patterns(loggers),
                exclude: patterns(exclude),
            }
        };
        use Format::{Json, Simple, Verbose};
        use Level::{Debug, Error};
        #[rustfmt::skip]
        let files = vec![
            file("derakht.log",     Simple,  5,  Debug, &["*"], &["analytics"]),
            file("errors.log",      Verbose, 10, Error, &["*"], &[]),
            file("security.log",    Simple,  10, Debug, &["security", "django.security"], &[]),
            file("performance.log", Simple,  5,  Debug, &["performance"], &[]),
            file("audit.log",       Json,    20, Debug, &["audit"], &[]),
            file("analytics.log",   Json,    10, Debug, &["analytics"], &[]),
        ];
        RouteTable { level, files }
    }

    /// The files that take the event, in table order; none when the event is
    /// below the threshold.
    pub fn route<'t, 'e>(
        &'t self,
        event: &'e Event,
    ) -> impl Iterator<Item = &'t FileRoute> + use<'t, 'e> {
        let passes = event.level >= self.level;
        self.files
            .iter()
            .filter(move |file| passes && file.takes(event))
    }

    /// The paths of the files that take the event.
    pub fn route_paths(&self, event: &Event) -> Vec<&str> {
        self.route(event).map(|file| file.path.as_str()).collect()
    }

    /// Where the writer puts one input, read as it reads one by
    /// `validator`'s rules: the paths of the files that take the event, or,
    /// when the input is not a valid event, the violations, and the input
    /// goes to [`REJECTED_LOG`]. An event without a timestamp gets
    /// `received`.
    pub fn route_input(
        &self,
        validator: &Validator,
        input: &[u8],
        received: Timestamp,
    ) -> Result<Vec<&str>, Vec<Violation>> {
        let event = validator.check(input, received).into_result()?;
        Ok(self.route_paths(&event))
    }

    /// Problems that make the table unusable, each naming the file entry.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, file) in self.files.iter().enumerate() {
            let at = format!("files[{i}] ({:?})", file.path);
            let path = std::path::Path::new(&file.path);
            if file.path.is_empty() {
                problems.push(format!("{at}: path is empty"));
            } else if path.is_absolute()
                || path
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                problems.push(format!(
                    "{at}: path must stay inside the log directory: no leading '/', '.' or '..'"
                ));
            }
            if let Some((j, other)) = (self.files[..i].iter().enumerate())
                .find(|(_, other)| paths_clash(&other.path, &file.path))
            {
                problems.push(format!(
                    "{at}: path is files[{j}] ({:?}), or a name one of the two rotates into \
                     (a file's backups and work files are its name with a '.' and more)",
                    other.path
                ));
            }
            if file.max_bytes == 0 {
                problems.push(format!("{at}: max_bytes must be positive"));
            }
            if file.loggers.is_empty() {
                problems.push(format!("{at}: loggers is empty, so the file takes nothing"));
            }
        }
        problems
    }
}

/// Whether two paths of the log directory name the same file, or one is
/// among the names the other rotates into: its backups (`x.log.1`,
/// `x.log.2025-12-26.gz`) and the files a rollover makes beside it, each
/// the file's name with a '.' and more. Compared by path components, so
/// that `s//x.log` and `s/./x.log` are `s/x.log`.
pub fn paths_clash(a: &str, b: &str) -> bool {
    use std::path::Path;
    let (a, b) = (Path::new(a), Path::new(b));
    if a == b {
        return true;
    }
    let within = |name: &Path, other: &Path| {
        name.parent() == other.parent()
            && match (name.file_name(), other.file_name()) {
                (Some(name), Some(other)) => other
                    .as_encoded_bytes()
                    .strip_prefix(name.as_encoded_bytes())
                    .is_some_and(|rest| rest.starts_with(b".")),
                _ => false,
            }
    };
    within(a, b) || within(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::Timestamp;

    #[test]
    fn paths_clash_when_one_file_or_one_rotates_into_the_other() {
        for (a, b) in [
            ("x.log", "x.log"),
            ("s/x.log", "s//x.log"),
            ("s/x.log", "s/./x.log"),
            ("a.log", "a.log.1"),
            ("a.log.2025-12-26.gz", "a.log"),
            ("s/a.log", "s/a.log.next"),
        ] {
            assert!(paths_clash(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("a.log", "b.log"),
            ("a.log", "a.logs"),
            ("s/a.log", "a.log.1"),
            ("a.log", "s/a.log"),
            ("a", "ab.c"),
        ] {
            assert!(!paths_clash(a, b), "{a} {b}");
        }
    }

    fn routes(level: Level, logger: &str) -> Vec<String> {
        let event = Event::new(
            Timestamp::parse("2025-12-26T10:30:45Z").unwrap(),
            level,
            LoggerName::new(logger).unwrap(),
            "m",
        );
        let table = RouteTable::seed(Level::Info);
        table
            .route_paths(&event)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn seed_layout() {
        use Level::*;
        let cases: &[(Level, &str, &[&str])] = &[
            (Info, "stories.generation", &["derakht.log"]),
            (Error, "shop.payments", &["derakht.log", "errors.log"]),
            (Critical, "core", &["derakht.log", "errors.log"]),
            (Info, "analytics", &["analytics.log"]),
            (Error, "analytics", &["errors.log", "analytics.log"]),
            (Warning, "security", &["derakht.log", "security.log"]),
            (
                Warning,
                "django.security.csrf",
                &["derakht.log", "security.log"],
            ),
            (
                Warning,
                "performance.requests",
                &["derakht.log", "performance.log"],
            ),
            (Info, "audit", &["derakht.log", "audit.log"]),
            (Info, "celery.worker", &["derakht.log"]),
            (Info, "analyticsx", &["derakht.log"]),
            (Debug, "stories", &[]),
        ];
        for (level, logger, expected) in cases {
            assert_eq!(routes(*level, logger), *expected, "{level} {logger}");
        }
    }

    #[test]
    fn seed_table_is_sound() {
        let table = RouteTable::seed(Level::Info);
        assert_eq!(table.problems(), Vec::<String>::new());
        let sizes: Vec<(&str, u64, u32)> = table
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.max_bytes, f.backups))
            .collect();
        assert_eq!(
            sizes,
            [
                ("derakht.log", TEN_MB, 5),
                ("errors.log", TEN_MB, 10),
                ("security.log", TEN_MB, 10),
                ("performance.log", TEN_MB, 5),
                ("audit.log", TEN_MB, 20),
                ("analytics.log", TEN_MB, 10),
            ]
        );
    }

    #[test]
    fn problems_name_the_entry() {
        let mut table = RouteTable::seed(Level::Info);
        table.files[1].path = "../escape.log".into();
        table.files[2].path = "derakht.log".into();
        table.files[3].max_bytes = 0;
        table.files[4].loggers.clear();
        let problems = table.problems();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].starts_with("files[1] (\"../escape.log\")"));
        assert!(
            problems[1]
                .starts_with("files[2] (\"derakht.log\"): path is files[0] (\"derakht.log\")")
        );
        assert!(problems[2].contains("max_bytes"));
        assert!(problems[3].contains("loggers is empty"));
    }
}
