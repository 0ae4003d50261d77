//! The writer's configuration: TOML read once, checked whole, then turned
//! into the effective configuration the writer runs with.
//!
//! Precedence, highest first: the command line (`--dir`, `--listen`,
//! `--http`), the environment (`BARG_LOG_LEVEL`, `DJANGO_LOG_LEVEL`, then
//! `DEBUG=1`), the file, the defaults below. With no file the files are the
//! seed's six.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use barg::{Format, Level, RouteTable};
use serde::{Deserialize, Serialize};

/// The defaults, in one place.
pub mod defaults {
    /// The log directory.
    pub const DIR: &str = "logs";
    /// Milliseconds between syncs with `fsync = "interval"`.
    pub const FSYNC_INTERVAL_MS: u64 = 1000;
    /// Events the queue holds before sources wait.
    pub const QUEUE: usize = 8192;
    /// The longest line taken, in bytes, without its line break.
    pub const MAX_LINE_BYTES: usize = 1024 * 1024;
    /// Dated files kept with `rotate = "daily"`.
    pub const KEEP_DAYS: u32 = 7;
    /// Stream clients (Unix and TCP) served at once.
    pub const MAX_CLIENTS: usize = 1024;
    /// The largest HTTP body, in bytes.
    pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
    /// Milliseconds a client has to send a whole body; a connection idle
    /// this long is closed.
    pub const TIMEOUT_MS: u64 = 10_000;
    /// Connections served at once; more wait to be accepted.
    pub const MAX_CONNECTIONS: usize = 256;
    /// The size of `rejected.log` before it rotates.
    pub const REJECTED_MAX_BYTES: u64 = 10 * 1024 * 1024;
    /// Rotated `rejected.log` files kept.
    pub const REJECTED_BACKUPS: u32 = 5;
}

/// When written lines are forced to the disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Fsync {
    /// Never: the kernel writes back when it chooses.
    Never,
    /// At most `fsync_interval_ms` after a write.
    #[default]
    Interval,
    /// After every batch, before its events are acknowledged.
    Always,
}

impl Fsync {
    /// The name in configuration and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Fsync::Never => "never",
            Fsync::Interval => "interval",
            Fsync::Always => "always",
        }
    }
}

/// How files rotate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rotate {
    /// By size, each file's `max_bytes` and `backups`.
    #[default]
    Size,
    /// Daily at midnight UTC, keeping `keep_days` dated files.
    Daily,
}

/// The HTTP ingest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Http {
    /// The address to serve on, such as `127.0.0.1:8080`; none: no HTTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// The shared secret clients send as `Authorization: Bearer ...`.
    /// `BARG_HTTP_TOKEN` in the environment takes precedence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Origins allowed to post from a browser, such as `https://app.example`.
    pub cors: Vec<String>,
    /// The largest body, in bytes; larger gets 413.
    pub max_body_bytes: usize,
    /// Milliseconds a client has to send its whole body (slower gets 408);
    /// a connection with no byte moving for this long is closed.
    pub timeout_ms: u64,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for Http {
    fn default() -> Http {
        Http {
            listen: None,
            token: None,
            cors: Vec::new(),
            max_body_bytes: defaults::MAX_BODY_BYTES,
            timeout_ms: defaults::TIMEOUT_MS,
            max_connections: defaults::MAX_CONNECTIONS,
        }
    }
}

/// The whole configuration, as read from TOML and as `barg config` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The log directory; file paths are relative to it.
    #[serde(default = "default_dir")]
    pub dir: PathBuf,
    /// The threshold: less severe events go nowhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// When written lines are forced to the disk.
    #[serde(default)]
    pub fsync: Fsync,
    /// Milliseconds between syncs with `fsync = "interval"`.
    #[serde(default = "default_fsync_interval")]
    pub fsync_interval_ms: u64,
    /// Events the queue holds before sources wait.
    #[serde(default = "default_queue")]
    pub queue: usize,
    /// The longest line taken, in bytes; longer lines are rejected.
    #[serde(default = "default_max_line")]
    pub max_line_bytes: usize,
    /// How files rotate.
    #[serde(default)]
    pub rotate: Rotate,
    /// Dated files kept with `rotate = "daily"`.
    #[serde(default = "default_keep_days")]
    pub keep_days: u32,
    /// Compress rotated files (`x.log.1.gz`).
    #[serde(default)]
    pub gzip: bool,
    /// Stream listeners: `unix:/path/to.sock`, `tcp:127.0.0.1:PORT`.
    #[serde(default)]
    pub listen: Vec<String>,
    /// Stream clients served at once; more wait to be accepted.
    #[serde(default = "default_max_clients")]
    pub max_clients: usize,
    /// The HTTP ingest.
    #[serde(default)]
    pub http: Http,
    /// How lines are validated: `mode` (`strict` by default) and `limits`.
    #[serde(default)]
    pub validation: barg::ValidatorConfig,
    /// How events are sanitized: extra and allowed keys, the replacement,
    /// card display, email masking, disabled rules, limits.
    #[serde(default)]
    pub sanitizer: barg::SanitizerConfig,
    /// The log files.
    #[serde(default)]
    pub files: Vec<barg::FileRoute>,
}

fn default_dir() -> PathBuf {
    PathBuf::from(defaults::DIR)
}
fn default_fsync_interval() -> u64 {
    defaults::FSYNC_INTERVAL_MS
}
fn default_queue() -> usize {
    defaults::QUEUE
}
fn default_max_line() -> usize {
    defaults::MAX_LINE_BYTES
}
fn default_keep_days() -> u32 {
    defaults::KEEP_DAYS
}
fn default_max_clients() -> usize {
    defaults::MAX_CLIENTS
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not TOML of the expected shape; the message names the key.
    #[error("config {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with the line and the key.
        message: String,
    },
    /// Values that cannot work, each naming its key.
    #[error("config: {}", .0.join("; "))]
    Invalid(Vec<String>),
    /// A level variable names no level.
    #[error(transparent)]
    Level(#[from] barg::level::ThresholdError),
}

/// What the command line sets over the file.
#[derive(Default)]
pub struct Overrides {
    /// `--config FILE`.
    pub file: Option<PathBuf>,
    /// `--dir`.
    pub dir: Option<PathBuf>,
    /// `--listen`, replacing the file's list when given.
    pub listen: Vec<String>,
    /// `--http`.
    pub http: Option<String>,
    /// `--fsync`.
    pub fsync: Option<Fsync>,
}

/// A stream listener's address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listen {
    /// A Unix socket at this path.
    Unix(PathBuf),
    /// A loopback TCP address.
    Tcp(SocketAddr),
}

impl Listen {
    /// Reads `unix:PATH` or `tcp:ADDR:PORT`.
    pub fn parse(text: &str) -> Result<Listen, String> {
        if let Some(path) = text.strip_prefix("unix:") {
            if path.is_empty() {
                return Err(format!("{text:?}: the socket path is empty"));
            }
            Ok(Listen::Unix(PathBuf::from(path)))
        } else if let Some(addr) = text.strip_prefix("tcp:") {
            let addr: SocketAddr = addr
                .parse()
                .map_err(|_| format!("{text:?}: expected tcp:IP:PORT"))?;
            if !addr.ip().is_loopback() {
                return Err(format!(
                    "{text:?}: raw TCP has no authentication, so it listens on loopback only"
                ));
            }
            Ok(Listen::Tcp(addr))
        } else {
            Err(format!("{text:?}: expected unix:PATH or tcp:IP:PORT"))
        }
    }
}

/// The parser's message with the line it is about, which names the key:
/// `line 4 (max_bytes = -5): invalid value: integer `-5`, expected u64`.
fn parse_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim_end();
    match error.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let number = text[..start].matches('\n').count() + 1;
            let line = text.lines().nth(number - 1).unwrap_or("").trim();
            format!("line {number} ({line}): {message}")
        }
        None => message.to_owned(),
    }
}

impl Config {
    /// The configuration with nothing but defaults and the seed's files.
    fn seed() -> Config {
        Config {
            dir: default_dir(),
            level: None,
            fsync: Fsync::default(),
            fsync_interval_ms: defaults::FSYNC_INTERVAL_MS,
            queue: defaults::QUEUE,
            max_line_bytes: defaults::MAX_LINE_BYTES,
            rotate: Rotate::default(),
            keep_days: defaults::KEEP_DAYS,
            gzip: false,
            listen: Vec::new(),
            max_clients: defaults::MAX_CLIENTS,
            http: Http::default(),
            validation: barg::ValidatorConfig::default(),
            sanitizer: barg::SanitizerConfig::default(),
            files: RouteTable::seed(Level::Info).files,
        }
    }

    /// Reads TOML text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_owned(),
            message: parse_message(text, &e),
        })?;
        if config.files.is_empty() {
            config.files = RouteTable::seed(Level::Info).files;
        }
        Ok(config)
    }

    /// The effective configuration: the file (if any), the overrides and
    /// the environment applied, every value checked.
    pub fn effective(
        overrides: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut config = match &overrides.file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                Config::from_toml(&text, path)?
            }
            None => Config::seed(),
        };
        if let Some(dir) = &overrides.dir {
            config.dir = dir.clone();
        }
        if !overrides.listen.is_empty() {
            config.listen = overrides.listen.clone();
        }
        if let Some(http) = &overrides.http {
            config.http.listen = Some(http.clone());
        }
        if let Some(fsync) = overrides.fsync {
            config.fsync = fsync;
        }
        if let Some(token) = env("BARG_HTTP_TOKEN").filter(|t| !t.is_empty()) {
            config.http.token = Some(token);
        }
        let env_names_level = ["BARG_LOG_LEVEL", "DJANGO_LOG_LEVEL"]
            .iter()
            .any(|name| env(name).is_some_and(|v| !v.trim().is_empty()));
        let debug = barg::level::debug_from_env(&env);
        config.level = Some(match config.level {
            Some(level) if !env_names_level => level,
            _ => barg::level::threshold_from_env(&env)?,
        });
        if debug {
            // The seed's development setting: the detailed format.
            for file in &mut config.files {
                if file.format == Format::Simple {
                    file.format = Format::Verbose;
                }
            }
        }
        let problems = config.problems();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    /// Every value that cannot work, each naming its key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(error) = barg::Sanitizer::new(&self.sanitizer) {
            problems.push(format!("sanitizer: {error}"));
        }
        let mut check = |ok: bool, problem: &str| {
            if !ok {
                problems.push(problem.to_owned());
            }
        };
        check(!self.dir.as_os_str().is_empty(), "dir: must not be empty");
        check(self.queue > 0, "queue: must be at least 1");
        check(
            self.fsync_interval_ms > 0,
            "fsync_interval_ms: must be at least 1",
        );
        check(
            self.max_line_bytes >= 64,
            "max_line_bytes: must be at least 64",
        );
        check(self.keep_days > 0, "keep_days: must be at least 1");
        check(self.max_clients > 0, "max_clients: must be at least 1");
        check(
            self.http.max_body_bytes > 0,
            "http.max_body_bytes: must be at least 1",
        );
        check(
            self.http.timeout_ms > 0,
            "http.timeout_ms: must be at least 1",
        );
        check(
            self.http.max_connections > 0,
            "http.max_connections: must be at least 1",
        );
        check(
            self.http
                .token
                .as_ref()
                .is_none_or(|t| !t.trim().is_empty()),
            "http.token: must not be empty",
        );
        for (i, origin) in self.http.cors.iter().enumerate() {
            check(
                (origin.starts_with("http://") || origin.starts_with("https://"))
                    && !origin.ends_with('/'),
                &format!("http.cors[{i}]: {origin:?} is not an origin such as https://app.example"),
            );
        }
        for (i, listen) in self.listen.iter().enumerate() {
            if let Err(problem) = Listen::parse(listen) {
                problems.push(format!("listen[{i}]: {problem}"));
            }
        }
        if let Some(http) = &self.http.listen {
            match http.parse::<SocketAddr>() {
                Err(_) => problems.push(format!("http.listen: {http:?} is not IP:PORT")),
                Ok(addr) if !addr.ip().is_loopback() && self.http.token.is_none() => problems.push(
                    format!("http.listen: {http} is beyond loopback, which needs http.token"),
                ),
                Ok(_) => {}
            }
        }
        for (i, file) in self.files.iter().enumerate() {
            if barg::route::paths_clash(&file.path, super::REJECTED_LOG) {
                problems.push(format!(
                    "files[{i}] ({:?}): {} is the writer's own file, with its backups",
                    file.path,
                    super::REJECTED_LOG
                ));
            }
        }
        problems.extend(self.route_table().problems());
        problems
    }

    /// The route table the files describe.
    pub fn route_table(&self) -> RouteTable {
        RouteTable {
            level: self.level.unwrap_or(Level::Info),
            files: self.files.clone(),
        }
    }

    /// The configuration as TOML, the token hidden.
    pub fn to_toml(&self) -> String {
        let mut shown = self.clone();
        if shown.http.token.is_some() {
            shown.http.token = Some("<hidden>".to_owned());
        }
        toml::to_string(&shown).unwrap_or_else(|e| format!("# cannot print: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn parse(text: &str) -> Result<Config, String> {
        let config = Config::from_toml(text, Path::new("t.toml")).map_err(|e| e.to_string())?;
        let problems = config.problems();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems.join("; "))
        }
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            ("colour = 1", "colour"),
            ("queue = 0", "queue"),
            ("queue = -1", "queue"),
            ("level = \"LOUD\"", "level"),
            ("fsync = \"sometimes\"", "sometimes"),
            ("[http]\nlisten = \"0.0.0.0:80\"", "http.listen"),
            ("[http]\ncors = [\"app.example\"]", "http.cors[0]"),
            ("listen = [\"tcp:10.0.0.1:9\"]", "listen[0]"),
            (
                "[[files]]\npath = \"a.log\"\nformat = \"simple\"\nmax_bytes = 0\nbackups = 1\nloggers = [\"*\"]",
                "max_bytes",
            ),
            (
                "[[files]]\npath = \"a.log\"\nformat = \"simple\"\nmax_bytes = 10\nbackups = 1\nloggers = [\"*\"]\nsize = 3",
                "size",
            ),
            (
                "[[files]]\npath = \"rejected.log\"\nformat = \"json\"\nmax_bytes = 10\nbackups = 1\nloggers = [\"*\"]",
                "rejected.log",
            ),
            (
                "[[files]]\npath = \"rejected.log.1\"\nformat = \"json\"\nmax_bytes = 10\nbackups = 1\nloggers = [\"*\"]",
                "writer's own file",
            ),
            (
                "[[files]]\npath = \"s/a.log\"\nformat = \"json\"\nmax_bytes = 10\nbackups = 1\nloggers = [\"*\"]\n\
                 [[files]]\npath = \"s//a.log\"\nformat = \"json\"\nmax_bytes = 10\nbackups = 1\nloggers = [\"*\"]",
                "files[1] (\"s//a.log\"): path is files[0]",
            ),
            (
                "[[files]]\npath = \"a.log\"\nformat = \"json\"\nmax_bytes = 10\nbackups = 1\nloggers = [\"*\"]\n\
                 [[files]]\npath = \"a.log.1\"\nformat = \"json\"\nmax_bytes = 10\nbackups = 1\nloggers = [\"b\"]",
                "rotates into",
            ),
        ];
        for (text, key) in cases {
            let error = parse(text).err().unwrap_or_default();
            assert!(error.contains(key), "{text:?} gave {error:?}");
        }
    }

    #[test]
    fn seed_layout_round_trips_through_toml() {
        let config = Config::effective(&Overrides::default(), env(&[])).unwrap();
        assert_eq!(config.level, Some(Level::Info));
        assert_eq!(config.files, RouteTable::seed(Level::Info).files);
        let again = parse(&config.to_toml()).unwrap();
        assert_eq!(again, config);
    }

    #[test]
    fn level_precedence() {
        let file = std::env::temp_dir().join(format!("barg-config-{}.toml", std::process::id()));
        std::fs::write(&file, "level = \"ERROR\"\n").unwrap();
        let overrides = Overrides {
            file: Some(file.clone()),
            ..Overrides::default()
        };
        let level = |e: &'static [(&'static str, &'static str)]| {
            Config::effective(&overrides, env(e)).unwrap().level
        };
        assert_eq!(level(&[]), Some(Level::Error));
        assert_eq!(level(&[("DEBUG", "1")]), Some(Level::Error));
        assert_eq!(
            level(&[("DJANGO_LOG_LEVEL", "warning")]),
            Some(Level::Warning)
        );
        assert_eq!(
            level(&[("BARG_LOG_LEVEL", "DEBUG"), ("DJANGO_LOG_LEVEL", "ERROR")]),
            Some(Level::Debug)
        );
        std::fs::remove_file(file).unwrap();
        let seed = Config::effective(&Overrides::default(), env(&[("DEBUG", "1")])).unwrap();
        assert_eq!(seed.level, Some(Level::Debug));
        assert_eq!(seed.files[0].format, Format::Verbose);
        assert_eq!(seed.files[4].format, Format::Json);
    }
}
