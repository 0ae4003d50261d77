//! The writer's own diagnostics: start, stop, counters and errors, on
//! standard error in the seed's simple format, as logger `barg.writer`.

use barg::{Event, Format, Formatter, Level, LoggerName, Timestamp};

fn say(level: Level, message: &str) {
    let Ok(logger) = LoggerName::new("barg.writer") else {
        return;
    };
    let event = Event::new(Timestamp::now(), level, logger, message);
    eprintln!("{}", Formatter::new(Format::Simple).format(&event));
}

/// Something worth knowing: start, stop, reopen, counters.
pub fn info(message: &str) {
    say(Level::Info, message);
}

/// Something an operator should look at, the writer going on.
pub fn warning(message: &str) {
    say(Level::Warning, message);
}

/// Something went wrong.
pub fn error(message: &str) {
    say(Level::Error, message);
}
