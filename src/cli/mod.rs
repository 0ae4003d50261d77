//! The command line: argument parsing and one module per subcommand. Reading
//! the environment, files and streams happens here, never in the library.

mod input;
mod sanitize;
mod write;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use barg::format::escape_into;
use barg::route::REJECTED_LOG;
use barg::validate::schema::event_schema;
use barg::{
    Event, Format, Formatter, Mode, RouteTable, Timestamp, Validator, ValidatorConfig, Violation,
};
use clap::{Args, Parser, Subcommand};

use input::{Line, Outcome, each_bounded_line, each_line};

/// barg: application log events made correct, safe and readable.
#[derive(Parser)]
#[command(name = "barg", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The bound on the lines of `format`, `route` and `sanitize`.
#[derive(Args)]
struct LineLimit {
    /// The longest line taken, in bytes, without its line break; a longer
    /// one is reported and skipped without being held whole.
    #[arg(long, value_name = "BYTES", default_value_t = input::MAX_LINE_BYTES)]
    max_line_bytes: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Print newline-delimited JSON events in one of the seed's formats.
    ///
    /// Reads the files in order, or standard input when none is given (or
    /// for `-`). Prints one line per event; a line that is not an event is
    /// reported on standard error with its place and the reason, and the
    /// other lines are still printed. Exit status: 0 when every line was an
    /// event, 1 when some line was not, 2 for usage or IO errors.
    Format {
        /// The line format.
        #[arg(long, short, default_value = "simple")]
        format: Format,
        /// The time zone of printed times, as an offset: Z, +03:30, -05:00.
        #[arg(long, default_value = "Z", allow_hyphen_values = true, value_parser = barg::timestamp::parse_offset)]
        zone: barg::timestamp::Offset,
        #[command(flatten)]
        limit: LineLimit,
        /// NDJSON files to read; standard input when none.
        files: Vec<PathBuf>,
    },
    /// Print the log files that the writer would append each event to.
    ///
    /// Uses the seed's layout, with the level threshold taken from
    /// BARG_LOG_LEVEL, else DJANGO_LOG_LEVEL, else DEBUG=1 (DEBUG) or INFO,
    /// and reads each line as the writer does, by the validator's default
    /// rules. Prints one line per input line: the files, space-separated,
    /// `-` when the event goes nowhere, or `rejected.log` for a line that is
    /// not a valid event, whose violations are reported on standard error.
    /// Exit status as for `format`.
    Route {
        #[command(flatten)]
        limit: LineLimit,
        /// NDJSON files to read; standard input when none.
        files: Vec<PathBuf>,
    },
    /// Own a log directory: take events and append them to the log files.
    ///
    /// Reads NDJSON from standard input, or from the listeners and HTTP
    /// given. Each line is admitted (parsed and checked) or written to
    /// rejected.log with its violations; events are routed and appended with
    /// rotation. SIGHUP reopens the files; SIGTERM and SIGINT stop taking
    /// input, write everything queued and exit 0. Exit status 2 when the
    /// writer cannot start: bad configuration, a missing or unwritable
    /// directory, or another writer holding it.
    Write(write::WriteArgs),
    /// Print the effective writer configuration as TOML.
    ///
    /// With no --config, the seed's layout: a starting point for a file.
    Config(write::ConfigArgs),
    /// Print newline-delimited JSON events with their secrets redacted.
    ///
    /// Prints each event as a JSON line (the `json` format) after redacting
    /// sensitive keys and secrets found in any string. Lines that are not
    /// events are reported as for `format`. Exit status as for `format`; 2
    /// also for a configuration that cannot be read or used.
    Sanitize {
        /// A sanitizer configuration: TOML when the name ends in `.toml`,
        /// else JSON. Without it, the built-in rules.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print `{"event":…,"redactions":[{"path":…,"rule":…}]}` per line
        /// instead of the event alone.
        #[arg(long)]
        report: bool,
        #[command(flatten)]
        limit: LineLimit,
        /// NDJSON files to read; standard input when none.
        files: Vec<PathBuf>,
    },
    /// Validate newline-delimited JSON events.
    ///
    /// Prints one line per violation, `LINE: POINTER: message` (the pointer
    /// left out when the whole line is at fault, the file name put first when
    /// more than one file is read), or one JSON object per violation with
    /// --json. Lenient mode makes unknown fields warnings. Lines of any length
    /// are read in constant memory. Exit status: 0 when every line is a valid
    /// event, 1 when some line is not, 2 for usage or IO errors.
    Check {
        /// Print one JSON object per violation: file, line, pointer, code,
        /// message and severity (error or warning).
        #[arg(long)]
        json: bool,
        /// Unknown fields are warnings, not violations.
        #[arg(long)]
        lenient: bool,
        /// NDJSON files to read; standard input when none.
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema (draft 2020-12) of an event.
    ///
    /// Generated from the Rust types; the rules that JSON Schema cannot
    /// express are listed in its description.
    Schema {
        /// The schema of lenient mode: unknown fields allowed.
        #[arg(long)]
        lenient: bool,
    },
}

/// Parses the arguments and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Write(args) => return write::run(args),
        Command::Config(args) => return write::print_config(args),
        Command::Format {
            format,
            zone,
            limit,
            files,
        } => {
            let formatter = Formatter::new(format).in_zone(zone);
            let mut line = Vec::with_capacity(256);
            each_line(&files, limit.max_line_bytes, |text, out| {
                let event = read_event(text)?;
                line.clear();
                formatter.write(&event, &mut line);
                line.push(b'\n');
                out.write_all(&line).map_err(Outcome::Io)
            })
        }
        Command::Route { limit, files } => {
            let level = match barg::level::threshold_from_env(|name| std::env::var(name).ok()) {
                Ok(level) => level,
                Err(error) => {
                    eprintln!("barg: {error}");
                    return ExitCode::from(2);
                }
            };
            let table = RouteTable::seed(level);
            let validator = Validator::default();
            each_line(&files, limit.max_line_bytes, |text, out| {
                match table.route_input(&validator, text.as_bytes(), Timestamp::now()) {
                    Ok(paths) if paths.is_empty() => writeln!(out, "-").map_err(Outcome::Io),
                    Ok(paths) => writeln!(out, "{}", paths.join(" ")).map_err(Outcome::Io),
                    Err(violations) => {
                        writeln!(out, "{REJECTED_LOG}").map_err(Outcome::Io)?;
                        Err(Outcome::Invalid(format!(
                            "rejected: {}",
                            barg::validate::describe_all(&violations)
                        )))
                    }
                }
            })
        }
        Command::Sanitize {
            config,
            report,
            limit,
            files,
        } => match sanitize::load(config.as_deref()) {
            Ok(sanitizer) => sanitize::run(&sanitizer, report, limit.max_line_bytes, &files),
            Err(error) => {
                eprintln!("barg: {error:#}");
                return ExitCode::from(2);
            }
        },
        Command::Check {
            json,
            lenient,
            files,
        } => check(&files, json, mode(lenient)),
        Command::Schema { lenient } => {
            let schema = event_schema(mode(lenient));
            let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
            let mut out = std::io::stdout().lock();
            return match writeln!(out, "{text}") {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("barg: writing output: {error}");
                    ExitCode::from(2)
                }
            };
        }
    };
    result.exit_code()
}

fn mode(lenient: bool) -> Mode {
    if lenient { Mode::Lenient } else { Mode::Strict }
}

/// `barg check`: every line validated, every violation printed.
fn check(files: &[PathBuf], json: bool, mode: Mode) -> input::Summary {
    let validator = Validator::new(ValidatorConfig {
        mode,
        ..ValidatorConfig::default()
    });
    let limits = validator.config().limits;
    let named = files.len() > 1;
    each_bounded_line(files, limits.max_event_bytes, |name, number, line, out| {
        let verdict = match line {
            Line::Text(bytes) => validator.check(bytes, Timestamp::now()),
            Line::TooLong(bytes) => barg::Verdict {
                event: None,
                violations: limits.size_violation(bytes).into_iter().collect(),
                warnings: Vec::new(),
            },
        };
        let file = named.then_some(name);
        for (severity, violation) in verdict
            .violations
            .iter()
            .map(|v| ("error", v))
            .chain(verdict.warnings.iter().map(|v| ("warning", v)))
        {
            report(out, json, file, name, number, severity, violation).map_err(Outcome::Io)?;
        }
        if verdict.is_valid() {
            Ok(())
        } else {
            Err(Outcome::Invalid(String::new()))
        }
    })
}

/// Prints one violation or warning of `barg check`.
fn report(
    out: &mut dyn Write,
    json: bool,
    prefix: Option<&str>,
    name: &str,
    number: u64,
    severity: &str,
    violation: &Violation,
) -> std::io::Result<()> {
    if json {
        let object = serde_json::json!({
            "file": name,
            "line": number,
            "pointer": violation.pointer,
            "code": violation.code,
            "message": violation.message,
            "severity": severity,
        });
        return writeln!(out, "{object}");
    }
    // Pointers and messages quote the input's keys and values: their control
    // characters are written visibly, so that one violation is one line.
    let mut line = Vec::with_capacity(128);
    if let Some(file) = prefix {
        line.extend_from_slice(file.as_bytes());
        line.push(b':');
    }
    line.extend_from_slice(format!("{number}: ").as_bytes());
    if !violation.pointer.is_empty() {
        escape_into(&violation.pointer, &mut line);
        line.extend_from_slice(b": ");
    }
    if severity == "warning" {
        line.extend_from_slice(b"warning: ");
    }
    escape_into(&violation.message, &mut line);
    line.push(b'\n');
    out.write_all(&line)
}

/// Reads one event, stamping the time of receipt when it has none.
fn read_event(text: &str) -> Result<Event, Outcome> {
    Event::from_json(text, Timestamp::now()).map_err(|e| Outcome::Invalid(e.to_string()))
}
