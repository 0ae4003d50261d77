//! Dotted logger names and the seed platform's known loggers.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::event::{Context, Event, ExtraData};
use crate::kind::Operation;
use crate::level::Level;
use crate::timestamp::Timestamp;

/// A logger name such as `shop.payments`: one or more non-empty segments of
/// ASCII letters, digits, `_` and `-`, joined by single dots.
///
/// Names form a hierarchy, as in Python: `stories.generation` is under
/// `stories`, and `stories` is under no one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "schema", derive(ts_rs::TS), ts(type = "string"))]
pub struct LoggerName(String);

/// Why a string is not a logger name. Positions count bytes from zero.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoggerNameError {
    /// The name is the empty string.
    #[error("logger name is empty")]
    Empty,
    /// A segment between dots is empty: a leading, trailing or doubled dot.
    #[error("logger name {name:?} has an empty segment at byte {at}")]
    EmptySegment {
        /// The rejected name.
        name: String,
        /// Where the empty segment starts.
        at: usize,
    },
    /// A character outside `[A-Za-z0-9_-]` and the dot.
    #[error(
        "logger name {name:?} has {found:?} at byte {at}: only ASCII letters, digits, '_', '-' and '.' are allowed"
    )]
    BadCharacter {
        /// The rejected name.
        name: String,
        /// The offending character.
        found: char,
        /// Its byte offset.
        at: usize,
    },
}

impl LoggerName {
    /// Checks `name` against the logger name syntax.
    pub fn new(name: impl Into<String>) -> Result<LoggerName, LoggerNameError> {
        LoggerName::checked(name.into())
    }

    /// [`LoggerName::new`] once the name is a `String`: one copy of the
    /// check for every type it is given as.
    fn checked(name: String) -> Result<LoggerName, LoggerNameError> {
        if name.is_empty() {
            return Err(LoggerNameError::Empty);
        }
        let mut segment_start = 0;
        for (at, c) in name.char_indices() {
            match c {
                '.' => {
                    if at == segment_start {
                        return Err(LoggerNameError::EmptySegment {
                            name,
                            at: segment_start,
                        });
                    }
                    segment_start = at + 1;
                }
                'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' => {}
                found => return Err(LoggerNameError::BadCharacter { name, found, at }),
            }
        }
        if segment_start == name.len() {
            return Err(LoggerNameError::EmptySegment {
                name,
                at: segment_start,
            });
        }
        Ok(LoggerName(name))
    }

    /// A name from one of barg's own tables, which tests check for syntax.
    pub(crate) fn trusted(name: &str) -> LoggerName {
        debug_assert!(LoggerName::new(name).is_ok(), "{name}");
        LoggerName(name.to_owned())
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` is `ancestor` or one of its descendants:
    /// `stories.generation` is within `stories`, `storiesx` is not.
    pub fn is_within(&self, ancestor: &str) -> bool {
        match self.0.strip_prefix(ancestor) {
            Some("") => true,
            Some(rest) => rest.starts_with('.') && !ancestor.is_empty(),
            None => false,
        }
    }

    /// The parent logger, `None` for a top-level name.
    pub fn parent(&self) -> Option<&str> {
        self.0.rsplit_once('.').map(|(parent, _)| parent)
    }

    /// The seed's description of this logger, or of its nearest known
    /// ancestor, with that ancestor's name.
    pub fn known(&self) -> Option<&'static KnownLogger> {
        KNOWN_LOGGERS
            .iter()
            .filter(|known| self.is_within(known.name))
            .max_by_key(|known| known.name.len())
    }
}

impl fmt::Display for LoggerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for LoggerName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for LoggerName {
    type Error = LoggerNameError;

    fn try_from(name: &str) -> Result<Self, Self::Error> {
        LoggerName::new(name)
    }
}

impl Serialize for LoggerName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LoggerName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        LoggerName::new(name).map_err(serde::de::Error::custom)
    }
}

/// A logger bound to a name and a request context, which it stamps on every
/// event it makes, as the seed's `get_logger(__name__)` together with its
/// `UserContextMiddleware`.
#[derive(Clone, Debug, PartialEq)]
pub struct Logger {
    name: LoggerName,
    context: Context,
}

impl Logger {
    /// A logger named `name` with the given context.
    pub fn new(name: LoggerName, context: Context) -> Logger {
        Logger { name, context }
    }

    /// Its name.
    pub fn name(&self) -> &LoggerName {
        &self.name
    }

    /// The context it stamps.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// A plain record from this logger.
    pub fn event(
        &self,
        at: Timestamp,
        level: Level,
        message: impl Into<String>,
        extra_data: ExtraData,
    ) -> Event {
        Event::new(at, level, self.name.clone(), message)
            .with_context(self.context.clone())
            .with_extra_data(extra_data)
    }

    /// The timing of an operation that ran under this logger: an event of the
    /// `performance` logger that carries this logger's context.
    pub fn operation(&self, at: Timestamp, operation: Operation) -> Event {
        operation.into_event(at).with_context(self.context.clone())
    }
}

/// A logger that the seed platform defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownLogger {
    /// The dotted name.
    pub name: &'static str,
    /// What it logs, in the seed's words.
    pub description: &'static str,
}

/// The seed platform's loggers, application loggers first, then the system
/// loggers, then the children that barg gives its own event kinds.
#[rustfmt::skip]
pub const KNOWN_LOGGERS: &[KnownLogger] = &[
    KnownLogger { name: "stories", description: "Stories app general logs" },
    KnownLogger { name: "stories.generation", description: "Story creation and template instantiation" },
    KnownLogger { name: "stories.images", description: "Image uploads and processing" },
    KnownLogger { name: "shop", description: "Shop app general logs" },
    KnownLogger { name: "shop.payments", description: "Payment processing and transactions" },
    KnownLogger { name: "shop.orders", description: "Order management and status changes" },
    KnownLogger { name: "users", description: "Users app general logs" },
    KnownLogger { name: "users.auth", description: "Authentication and authorization" },
    KnownLogger { name: "blog", description: "Blog/CMS operations" },
    KnownLogger { name: "core", description: "Core features and utilities" },
    KnownLogger { name: "performance", description: "Performance metrics" },
    KnownLogger { name: "performance.requests", description: "Slow request warnings" },
    KnownLogger { name: "performance.db", description: "Database query statistics" },
    KnownLogger { name: "analytics", description: "User behavior analytics (JSON format)" },
    KnownLogger { name: "audit", description: "Audit trail for compliance" },
    KnownLogger { name: "security", description: "Security events" },
    KnownLogger { name: "django.security", description: "Django security events" },
    KnownLogger { name: "django.request", description: "HTTP request/response logs" },
    KnownLogger { name: "api", description: "API errors" },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax() {
        let valid = ["a", "shop.payments", "django.request", "A-b_9.x", "x.y.z.w"];
        for name in valid {
            assert!(LoggerName::new(name).is_ok(), "{name}");
        }
        let invalid = [
            ("", LoggerNameError::Empty),
            (
                ".a",
                LoggerNameError::EmptySegment {
                    name: ".a".into(),
                    at: 0,
                },
            ),
            (
                "a.",
                LoggerNameError::EmptySegment {
                    name: "a.".into(),
                    at: 2,
                },
            ),
            (
                "a..b",
                LoggerNameError::EmptySegment {
                    name: "a..b".into(),
                    at: 2,
                },
            ),
            (
                "a b",
                LoggerNameError::BadCharacter {
                    name: "a b".into(),
                    found: ' ',
                    at: 1,
                },
            ),
            (
                "داستان",
                LoggerNameError::BadCharacter {
                    name: "داستان".into(),
                    found: 'د',
                    at: 0,
                },
            ),
            (
                "a/b",
                LoggerNameError::BadCharacter {
                    name: "a/b".into(),
                    found: '/',
                    at: 1,
                },
            ),
        ];
        for (name, err) in invalid {
            assert_eq!(LoggerName::new(name), Err(err), "{name:?}");
        }
    }

    #[test]
    fn hierarchy() {
        let name = LoggerName::new("stories.generation").unwrap();
        assert!(name.is_within("stories"));
        assert!(name.is_within("stories.generation"));
        assert!(!name.is_within("stories.gen"));
        assert!(!name.is_within("storie"));
        assert!(!name.is_within(""));
        assert!(!LoggerName::new("storiesx").unwrap().is_within("stories"));
        assert_eq!(name.parent(), Some("stories"));
        assert_eq!(LoggerName::new("stories").unwrap().parent(), None);
    }

    #[test]
    fn nearest_known_ancestor() {
        let known = |n: &str| LoggerName::new(n).unwrap().known().map(|k| k.name);
        assert_eq!(
            known("stories.generation.templates"),
            Some("stories.generation")
        );
        assert_eq!(known("shop"), Some("shop"));
        assert_eq!(known("django.security.csrf"), Some("django.security"));
        assert_eq!(known("django"), None);
        assert_eq!(known("celery"), None);
    }
}
