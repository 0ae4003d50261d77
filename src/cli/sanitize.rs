//! `barg sanitize`: the sanitizer over NDJSON, with its configuration read
//! from a file.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use barg::{Format, Formatter, Sanitizer, SanitizerConfig};

use super::input::{Outcome, Summary, each_line};
use super::read_event;

/// The sanitizer from the configuration file at `path` (TOML for `.toml`,
/// else JSON), or the built-in one.
pub fn load(path: Option<&Path>) -> anyhow::Result<Sanitizer> {
    let config = match path {
        None => SanitizerConfig::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            if path.extension().is_some_and(|e| e == "toml") {
                toml::from_str(&text).with_context(|| format!("{}", path.display()))?
            } else {
                serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?
            }
        }
    };
    let sanitizer = Sanitizer::new(&config).with_context(|| match path {
        Some(path) => format!("{}", path.display()),
        None => "the built-in configuration".to_owned(),
    })?;
    Ok(sanitizer)
}

/// Sanitizes every event of `files`, printing one JSON line per event;
/// lines longer than `max_line` bytes are reported and skipped.
pub fn run(sanitizer: &Sanitizer, report: bool, max_line: usize, files: &[PathBuf]) -> Summary {
    let formatter = Formatter::new(Format::Json);
    let mut line = Vec::with_capacity(1024);
    each_line(files, max_line, |text, out| {
        let mut event = read_event(text)?;
        let redactions = sanitizer.sanitize(&mut event);
        line.clear();
        if report {
            line.extend_from_slice(b"{\"event\":");
        }
        formatter.write(&event, &mut line);
        if report {
            line.extend_from_slice(b",\"redactions\":");
            serde_json::to_writer(&mut line, &redactions.redactions)
                .map_err(|e| Outcome::Io(e.into()))?;
            line.push(b'}');
        }
        line.push(b'\n');
        out.write_all(&line).map_err(Outcome::Io)
    })
}
