//! `barg write`: the writer run as a process on temporary directories,
//! fed through standard input, Unix sockets and HTTP, and stopped with
//! signals. Waits poll for a condition (a line on standard error, a socket
//! file, a line count) with a generous bound; nothing sleeps a fixed time.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::{barg, barg_env, root, stderr, stdout};

/// How long a wait may take before the test fails: far more than needed.
const PATIENCE: Duration = Duration::from_secs(30);

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("barg-write-")
        .tempdir()
        .expect("temp dir")
}

/// A JSON event line for logger `logger` with message `message`.
fn event(level: &str, logger: &str, message: &str) -> String {
    serde_json::json!({
        "timestamp": "2025-12-26T10:30:45Z",
        "level": level,
        "logger": logger,
        "message": message,
    })
    .to_string()
}

/// A configuration with one file `x.log` taking everything, in `dir`.
fn one_file_config(dir: &Path, max_bytes: u64, backups: u32, extra: &str) -> PathBuf {
    let path = dir.join("barg.toml");
    let text = format!(
        "level = \"DEBUG\"\n{extra}\n[[files]]\npath = \"x.log\"\nformat = \"simple\"\n\
         max_bytes = {max_bytes}\nbackups = {backups}\nloggers = [\"*\"]\n"
    );
    std::fs::write(&path, text).expect("config written");
    path
}

/// Starts a writer on `logs` with `config`, listening on a Unix socket in
/// `dir` and on HTTP at a free loopback port, and waits until both listen:
/// the writer, the socket's path and the HTTP address.
fn start_listening(
    dir: &Path,
    logs: &Path,
    config: &Path,
    extra: &[&str],
) -> (Writer, PathBuf, String) {
    let socket = dir.join("in.sock");
    let listen = format!("unix:{}", socket.display());
    let mut args = args(
        config,
        logs,
        &["--listen", &listen, "--http", "127.0.0.1:0"],
    );
    args.extend_from_slice(extra);
    let mut writer = Writer::start(&args);
    let addr = writer.wait_for("listening on http://").trim().to_owned();
    writer.wait_for("listening on unix:");
    (writer, socket, addr)
}

/// `barg write`'s arguments for `config` and the log directory `logs`,
/// then `more`.
fn args<'a>(config: &'a Path, logs: &'a Path, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--config",
        config.to_str().expect("utf-8"),
        "--dir",
        logs.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(more);
    args
}

/// A log directory inside `dir`.
fn log_dir(dir: &Path) -> PathBuf {
    let logs = dir.join("logs");
    std::fs::create_dir(&logs).expect("log dir");
    logs
}

/// A `barg write` process and what it said on standard error so far.
struct Writer {
    child: Child,
    said: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    fn start(args: &[&str]) -> Writer {
        let mut command = Command::new(env!("CARGO_BIN_EXE_barg"));
        command.arg("write").args(args);
        Writer::spawn(command)
    }

    /// A writer whose files cannot grow past `blocks` of 512 bytes: a write
    /// across the limit lands in part, then fails (`EFBIG`).
    fn start_with_file_limit(args: &[&str], blocks: u32) -> Writer {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" write \"$@\""
            ))
            .arg(env!("CARGO_BIN_EXE_barg"))
            .args(args);
        Writer::spawn(command)
    }

    fn spawn(mut command: Command) -> Writer {
        let mut child = command
            .current_dir(root())
            .env_remove("BARG_LOG_LEVEL")
            .env_remove("DJANGO_LOG_LEVEL")
            .env_remove("DEBUG")
            .env_remove("BARG_HTTP_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("barg runs");
        let said = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().expect("stderr");
        let sink = said.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                let mut said = sink.lock().expect("lock");
                said.push_str(&line);
                said.push('\n');
            }
        });
        Writer {
            child,
            said,
            reader: Some(reader),
        }
    }

    /// Stops the writer (with `signal`, or by closing its standard input)
    /// and checks that it exited 0; gives what it said.
    fn stopped_by(self, signal: Option<&str>) -> String {
        if let Some(signal) = signal {
            self.signal(signal);
        }
        let (status, said) = self.finish();
        assert!(status.success(), "{said}");
        said
    }

    fn said(&self) -> String {
        self.said.lock().expect("lock").clone()
    }

    /// Waits until standard error holds `needle`; gives the text after it
    /// up to the end of its line.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let said = self.said();
            if let Some(at) = said.find(needle) {
                let rest = &said[at + needle.len()..];
                return rest.lines().next().unwrap_or("").to_owned();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("barg exited ({status}) before saying {needle:?}:\n{said}");
            }
            assert!(Instant::now() < deadline, "no {needle:?} in:\n{said}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn signal(&self, name: &str) {
        kill(self.child.id(), name);
    }

    /// Waits for the exit; gives the status and all of standard error.
    fn finish(mut self) -> (ExitStatus, String) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("barg did not exit:\n{}", self.said());
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        if let Some(reader) = self.reader.take() {
            reader.join().expect("stderr read");
        }
        (status, self.said())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `signal` (`TERM`, `STOP`, ...) to the process `pid`.
fn kill(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits until `ready` holds.
fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !ready() {
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The files of a directory whose names start with `prefix`, with contents.
fn files(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|entry| entry.expect("entry").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            name.starts_with(prefix)
                .then(|| (name, std::fs::read(&path).expect("readable file")))
        })
        .collect();
    found.sort();
    found
}

/// Every line of `x.log` and its backups (`x.log.N`, or `x.log.N.gz`
/// decompressed), oldest first. Any other name of `x.log.` is an error.
fn all_lines(dir: &Path, base: &str) -> Vec<String> {
    let mut rotated: Vec<(u32, String)> = files(dir, base)
        .into_iter()
        .map(|(name, bytes)| {
            let rest = name.strip_prefix(base).expect("prefix");
            let gzip = rest.ends_with(".gz");
            let index = rest
                .strip_prefix('.')
                .map(|n| n.strip_suffix(".gz").unwrap_or(n))
                .map_or(0, |n| {
                    n.parse::<u32>()
                        .unwrap_or_else(|_| panic!("{name} is not {base}.N or {base}.N.gz"))
                });
            (index, log_text(bytes, gzip))
        })
        .collect();
    rotated.sort_by_key(|r| std::cmp::Reverse(r.0));
    rotated
        .into_iter()
        .flat_map(|(_, text)| {
            assert!(text.is_empty() || text.ends_with('\n'), "a half line");
            text.lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .collect()
}

/// A log file's text, decompressed when it is gzip (of any members).
fn log_text(bytes: Vec<u8>, gzip: bool) -> String {
    if !gzip {
        return String::from_utf8(bytes).expect("utf-8 log");
    }
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .expect("gzip");
    text
}

/// The counters `--stats` printed, by name.
fn stats(said: &str) -> HashMap<String, u64> {
    said.lines()
        .filter_map(|line| line.split_once("| stats: "))
        .filter(|(_, rest)| rest.starts_with("events_"))
        .flat_map(|(_, rest)| rest.split(' '))
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// ASCII messages of varied lengths, `count` of them.
fn ascii_messages(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let len = (i * 37) % 90 + 1;
            let text: String = (0..len)
                .map(|j| (b'a' + ((i + j) % 26) as u8) as char)
                .collect();
            format!("m{i} {text}")
        })
        .collect()
}

/// [`ascii_messages`] as INFO events of the logger `app`, a line each.
fn app_lines<T: FromIterator<String>>(count: usize) -> T {
    ascii_messages(count)
        .iter()
        .map(|m| event("INFO", "app", m) + "\n")
        .collect()
}

/// `barg write` over standard input on a fresh log directory; gives the
/// exit status and standard error.
fn write_stdin(args: &[&str], input: &str) -> (ExitStatus, String) {
    let mut writer = Writer::start(args);
    let mut stdin = writer.child.stdin.take().expect("stdin");
    let input = input.to_owned();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    feeder.join().expect("fed");
    writer.finish()
}

#[test]
fn rotation_matches_cpython_rotating_file_handler() {
    // Varied lengths, and equal lengths whose sums land exactly on the
    // limit, where `>=` and `>` part ways.
    let varied = ascii_messages(400);
    let equal: Vec<String> = (0..300)
        .map(|i| format!("e{i:04} {}", "q".repeat(30)))
        .collect();
    let line_len =
        |m: &String| stdout(&barg(&["format"], &(event("INFO", "app", m) + "\n"))).len() as u64;
    let equal_len = line_len(&equal[0]);
    let cases = [
        (&varied, 150, 1),
        (&varied, 200, 3),
        (&varied, 1000, 2),
        (&varied, 4096, 5),
        (&varied, 100_000, 2),
        (&equal, equal_len * 3, 4),
        (&equal, equal_len * 10, 2),
        (&equal, equal_len * 10 + 1, 2),
        (&equal, equal_len * 10 - 1, 2),
    ];
    // A rolled-over file is synced on the writer thread, on the syncing
    // thread or not at all, by the fsync setting: the files are the same.
    let fsyncs = ["interval", "always", "never"];
    for (i, (messages, max_bytes, backups)) in cases.into_iter().enumerate() {
        check_cpython_parity(messages, max_bytes, backups, fsyncs[i % fsyncs.len()]);
    }
}

fn check_cpython_parity(messages: &[String], max_bytes: u64, backups: u32, fsync: &str) {
    let input: String = messages
        .iter()
        .map(|m| event("INFO", "app", m) + "\n")
        .collect();
    let formatted = stdout(&barg(&["format", "--format", "simple"], &input));
    let tmp = temp_dir();
    let ours = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), max_bytes, backups, "");
    let (status, said) = write_stdin(&args(&config, &ours, &["--fsync", fsync]), &input);
    assert!(status.success(), "{said}");

    let theirs = tmp.path().join("python");
    std::fs::create_dir(&theirs).expect("dir");
    let mut python = Command::new("python3")
        .arg(root().join("tests/python/reference_rotation.py"))
        .arg(theirs.join("x.log"))
        .arg(max_bytes.to_string())
        .arg(backups.to_string())
        .stdin(Stdio::piped())
        .spawn()
        .expect("python3 runs: it is the reference implementation");
    python
        .stdin
        .take()
        .expect("stdin")
        .write_all(formatted.as_bytes())
        .expect("fed");
    assert!(python.wait().expect("python3 finishes").success());

    let (ours, theirs) = (files(&ours, "x.log"), files(&theirs, "x.log"));
    assert!(
        ours.len() > 1 || max_bytes > 50_000,
        "no rotation at {max_bytes}"
    );
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&ours),
        names(&theirs),
        "max_bytes {max_bytes} backups {backups} fsync {fsync}"
    );
    for ((name, a), (_, b)) in ours.iter().zip(&theirs) {
        assert!(
            a == b,
            "{name} differs from CPython's at max_bytes {max_bytes}"
        );
    }
}

#[test]
fn rotation_counts_bytes_so_multibyte_files_stay_under_the_limit() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 300, 100, "");
    let input: String = (0..200)
        .map(|i| {
            event(
                "INFO",
                "app",
                &format!("{i} داستان ساخته شد {}", "ک".repeat(i % 40)),
            ) + "\n"
        })
        .collect();
    let (status, said) = write_stdin(&args(&config, &logs, &[]), &input);
    assert!(status.success(), "{said}");
    for (name, bytes) in files(&logs, "x.log") {
        assert!(!bytes.is_empty(), "{name} is an empty backup");
        assert!(bytes.len() < 300, "{name} has {} bytes", bytes.len());
    }
    let expected = stdout(&barg(&["format"], &input));
    assert_eq!(
        all_lines(&logs, "x.log"),
        expected.lines().collect::<Vec<_>>()
    );
}

#[test]
fn a_rollover_moves_the_backups_there_however_many_are_kept() {
    // Four billion backups allowed: a rollover looks at the files there,
    // not at every index it may keep.
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 300, u32::MAX, "");
    let input: String = (0..40)
        .map(|i| event("INFO", "app", &format!("{i:02} {}", "r".repeat(60))) + "\n")
        .collect();
    let (status, said) = write_stdin(&args(&config, &logs, &[]), &input);
    assert!(status.success(), "{said}");
    let names: Vec<String> = files(&logs, "x.log").into_iter().map(|(n, _)| n).collect();
    assert!(names.len() > 5, "{names:?}");
    let expected = stdout(&barg(&["format"], &input));
    assert_eq!(
        all_lines(&logs, "x.log"),
        expected.lines().collect::<Vec<_>>()
    );
}

#[test]
fn stdin_events_go_where_barg_route_says_and_bad_lines_to_rejected_log() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let examples =
        std::fs::read_to_string(root().join("examples/events.ndjson")).expect("examples");
    let bad = "{\"level\":\"INFO\"\nnot json at all\n\u{1}\n";
    let unknown = event("INFO", "never.heard.of", "an unknown logger") + "\n";
    let input = format!("{examples}{bad}{unknown}");
    let (status, said) = write_stdin(&["--dir", logs.to_str().expect("utf-8"), "--stats"], &input);
    assert!(status.success(), "{said}");

    // What each file should hold, from `barg route` and `barg format`.
    let good = format!("{examples}{unknown}");
    let routes = stdout(&barg(&["route"], &good));
    let mut expected: HashMap<String, String> = HashMap::new();
    for format in ["simple", "verbose", "json"] {
        let lines = stdout(&barg(&["format", "--format", format], &good));
        for (line, route) in lines.lines().zip(routes.lines()) {
            for file in route.split(' ').filter(|f| *f != "-") {
                let wanted = match file {
                    "errors.log" => "verbose",
                    "audit.log" | "analytics.log" => "json",
                    _ => "simple",
                };
                if wanted == format {
                    let text = expected.entry(file.to_owned()).or_default();
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    for file in [
        "derakht.log",
        "errors.log",
        "security.log",
        "performance.log",
        "audit.log",
        "analytics.log",
    ] {
        let written = std::fs::read_to_string(logs.join(file)).expect("log file");
        assert_eq!(&written, expected.get(file).expect("some events"), "{file}");
    }
    let derakht = std::fs::read_to_string(logs.join("derakht.log")).expect("derakht.log");
    assert!(derakht.ends_with("never.heard.of | an unknown logger\n"));

    let rejected = std::fs::read_to_string(logs.join("rejected.log")).expect("rejected.log");
    let rejected: Vec<serde_json::Value> = rejected
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(rejected.len(), 3);
    assert_eq!(rejected[1]["input"], "not json at all");
    for entry in &rejected {
        assert_eq!(entry["source"], "stdin");
        assert!(
            !entry["violations"][0]["message"]
                .as_str()
                .unwrap_or("")
                .is_empty()
        );
    }
    let stats = stats(&said);
    assert_eq!(stats["events_rejected"], 3);
    assert_eq!(stats["events_dropped"], 0);
    assert!(
        said.contains("[INFO] ") && said.contains(" barg.writer | started"),
        "{said}"
    );
}

#[test]
fn stdin_order_is_kept_in_every_file_across_many_batches() {
    // Far more than one block of standard input and one batch, so that the
    // admission threads take turns many times; events of several files and
    // bad lines mixed, and a small file size, so that every file gets its
    // lines from many batches and rotates between them.
    const LINES: usize = 40_000;
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = tmp.path().join("barg.toml");
    let file = |path: &str, format: &str, extra: &str| {
        format!(
            "[[files]]\npath = \"{path}\"\nformat = \"{format}\"\nmax_bytes = 65536\n\
             backups = 1000\nloggers = [\"*\"]\n{extra}\n"
        )
    };
    let text = format!(
        "level = \"DEBUG\"\n{}{}",
        file("x.log", "simple", ""),
        file("e.log", "json", "min_level = \"ERROR\"")
    );
    std::fs::write(&config, text).expect("config written");
    let mut input = String::new();
    let (mut all, mut errors, mut bad) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..LINES {
        match i % 7 {
            3 => {
                input.push_str(&format!("{{\"level\":\"INFO\",\"n\":{i}}}\n"));
                bad.push(i);
            }
            5 => {
                input.push_str(&event("ERROR", "app", &format!("n{i}")));
                input.push('\n');
                all.push(i);
                errors.push(i);
            }
            _ => {
                input.push_str(&event(
                    "INFO",
                    "app",
                    &format!("n{i} {}", "p".repeat(i % 50)),
                ));
                input.push('\n');
                all.push(i);
            }
        }
    }
    let (status, said) = write_stdin(&args(&config, &logs, &["--stats"]), &input);
    assert!(status.success(), "{said}");
    let numbers = |base: &str, find: &dyn Fn(&str) -> usize| -> Vec<usize> {
        all_lines(&logs, base)
            .iter()
            .map(|line| find(line))
            .collect()
    };
    let after = |line: &str, marker: &str| -> usize {
        let rest = &line[line.find(marker).expect("a numbered line") + marker.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().expect("a number")
    };
    assert_eq!(numbers("x.log", &|line| after(line, "| n")), all);
    assert_eq!(
        numbers("e.log", &|line| after(line, "\"message\":\"n")),
        errors
    );
    assert_eq!(
        numbers("rejected.log", &|line| after(line, "INFO\\\",\\\"n\\\":")),
        bad
    );
    assert!(files(&logs, "x.log.").len() > 10, "x.log rotated");
    let stats = stats(&said);
    assert_eq!(stats["events_received"], LINES as u64);
    assert_eq!(stats["events_rejected"], bad.len() as u64);
}

#[test]
fn files_are_created_with_mode_0640() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 200, 2, "gzip = true");
    let input: String = app_lines(50);
    let (status, said) = write_stdin(&args(&config, &logs, &[]), &input);
    assert!(status.success(), "{said}");
    let made = files(&logs, "");
    assert!(made.iter().any(|(name, _)| name == "x.log.1.gz"));
    for (name, _) in made {
        let mode = std::fs::metadata(logs.join(&name))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "{name}");
    }
}

#[test]
fn gzip_compresses_rotated_files_and_keeps_every_line() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 400, 100, "gzip = true");
    let input: String = app_lines(120);
    let (status, said) = write_stdin(&args(&config, &logs, &[]), &input);
    assert!(status.success(), "{said}");
    assert!(files(&logs, "x.log.").len() > 3);
    assert_eq!(rotated_text(&logs), stdout(&barg(&["format"], &input)));
}

/// The text of `x.log`'s backups, oldest first, then of `x.log`
/// ([`all_lines`]), as `barg format` prints it.
fn rotated_text(logs: &Path) -> String {
    all_lines(logs, "x.log")
        .into_iter()
        .map(|line| line + "\n")
        .collect()
}

#[test]
fn a_rollover_that_cannot_make_the_next_file_moves_nothing_and_loses_nothing() {
    for extra in ["", "gzip = true"] {
        let tmp = temp_dir();
        let logs = log_dir(tmp.path());
        let config = one_file_config(tmp.path(), 400, 50, extra);
        // A directory where the next file would be made.
        let in_the_way = logs.join("x.log.next");
        std::fs::create_dir(&in_the_way).expect("in the way");
        let mut writer = Writer::start(&args(&config, &logs, &["--stats"]));
        let mut stdin = writer.child.stdin.take().expect("stdin");
        let lines: Vec<String> = app_lines(60);
        let (before, after) = lines.split_at(20);
        stdin.write_all(before.concat().as_bytes()).expect("fed");
        writer.wait_for("write failed, retrying: ");
        assert!(
            writer.said().contains("x.log.next is in the way"),
            "{}",
            writer.said()
        );
        wait_until("the first lines written", || {
            let text = std::fs::read_to_string(logs.join("x.log")).unwrap_or_default();
            text.lines().count() == before.len()
        });
        let mut names: Vec<String> = std::fs::read_dir(&logs)
            .expect("readable dir")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            [".barg.lock", "rejected.log", "x.log", "x.log.next"],
            "{extra}"
        );
        std::fs::remove_dir(&in_the_way).expect("out of the way");
        stdin.write_all(after.concat().as_bytes()).expect("fed");
        drop(stdin);
        let said = writer.stopped_by(None);
        assert!(stats(&said)["write_errors"] >= 1, "{said}");
        assert!(files(&logs, "x.log.").len() > 3, "rolled over since");
        assert_eq!(
            rotated_text(&logs),
            stdout(&barg(&["format"], &lines.concat())),
            "{extra}"
        );
    }
}

#[test]
fn daily_rotation_moves_yesterdays_file_and_keeps_n_days() {
    // With gzip the newest backup is counted among the days kept while its
    // compression is still making it.
    for gzip in [false, true] {
        let (_tmp, logs, config, yesterday) =
            daily_with_x_log_from_yesterday(&format!("gzip = {gzip}"));
        let gz = if gzip { ".gz" } else { "" };
        let today = yesterday + chrono::Days::new(1);
        for days_ago in [5, 4, 3] {
            let day = today - chrono::Days::new(days_ago);
            std::fs::write(logs.join(format!("x.log.{day}{gz}")), "older\n").expect("old");
        }
        write_a_line_today(&config, &logs);
        let names: Vec<String> = files(&logs, "x.log").into_iter().map(|f| f.0).collect();
        let three_days_ago = today - chrono::Days::new(3);
        assert_eq!(
            names,
            [
                "x.log".to_owned(),
                format!("x.log.{three_days_ago}{gz}"),
                format!("x.log.{yesterday}{gz}")
            ],
            "gzip = {gzip}"
        );
        let dated = std::fs::read(logs.join(format!("x.log.{yesterday}{gz}"))).expect("dated");
        assert_eq!(log_text(dated, gzip), "written yesterday\n");
        assert!(
            std::fs::read_to_string(logs.join("x.log"))
                .expect("x.log")
                .ends_with("app | today's line\n")
        );
    }
}

/// A log directory and a configuration of daily rotation keeping 2 days
/// (and `extra`), with `x.log` last written yesterday: the temporary
/// directory, the log directory, the configuration, yesterday.
fn daily_with_x_log_from_yesterday(
    extra: &str,
) -> (tempfile::TempDir, PathBuf, PathBuf, chrono::NaiveDate) {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(
        tmp.path(),
        1_000_000,
        5,
        &format!("rotate = \"daily\"\nkeep_days = 2\n{extra}"),
    );
    let yesterday = x_log_from_yesterday(&logs);
    (tmp, logs, config, yesterday)
}

/// Leaves `logs/x.log` as a file last written yesterday (UTC) at noon;
/// gives yesterday.
fn x_log_from_yesterday(logs: &Path) -> chrono::NaiveDate {
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let x = logs.join("x.log");
    std::fs::write(&x, "written yesterday\n").expect("x.log");
    let noon = yesterday.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    std::fs::File::options()
        .write(true)
        .open(&x)
        .and_then(|f| f.set_modified(noon.into()))
        .expect("mtime");
    yesterday
}

/// Runs a writer on `logs` over one line, written today.
fn write_a_line_today(config: &Path, logs: &Path) {
    let (status, said) = write_stdin(
        &args(config, logs, &[]),
        &(event("INFO", "app", "today's line") + "\n"),
    );
    assert!(status.success(), "{said}");
}

#[test]
fn daily_rotation_with_gzip_compresses_yesterdays_file_and_leaves_nothing_aside() {
    let (_tmp, logs, config, yesterday) = daily_with_x_log_from_yesterday("gzip = true");
    write_a_line_today(&config, &logs);
    let names: Vec<String> = files(&logs, "x.log").into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["x.log".to_owned(), format!("x.log.{yesterday}.gz")]);
    let gz = std::fs::read(logs.join(format!("x.log.{yesterday}.gz"))).expect("dated");
    assert_eq!(log_text(gz, true), "written yesterday\n");
}

#[test]
fn a_file_that_cannot_be_compressed_is_kept_counted_and_reported() {
    let (_tmp, logs, config, yesterday) = daily_with_x_log_from_yesterday("gzip = true");
    // A directory where the compressed file would go.
    std::fs::create_dir(logs.join(format!("x.log.{yesterday}.gz"))).expect("in the way");
    let (status, said) = write_stdin(
        &args(&config, &logs, &["--stats"]),
        &(event("INFO", "app", "today's line") + "\n"),
    );
    assert!(status.success(), "{said}");
    assert!(said.contains("cannot compress"), "{said}");
    assert!(
        said.contains("x.log: lines=1 bytes=46 rotations=1 backup_failures=1"),
        "{said}"
    );
    let aside: Vec<(String, Vec<u8>)> = files(&logs, "x.log.rolled-");
    assert_eq!(aside.len(), 1, "{said}");
    assert_eq!(aside[0].1, b"written yesterday\n");
    // The next start says that it is still there.
    std::fs::remove_dir(logs.join(format!("x.log.{yesterday}.gz"))).expect("out of the way");
    let (status, said) = write_stdin(&args(&config, &logs, &[]), "");
    assert!(status.success(), "{said}");
    let warning = format!(
        "barg.writer | {} holds lines",
        logs.join(&aside[0].0).display()
    );
    assert!(
        said.lines().any(|line| line.contains("[WARNING]")
            && line.contains(&warning)
            && line.ends_with("that are in no backup; left as it is")),
        "{said}"
    );
}

#[test]
fn a_rolled_over_file_that_cannot_become_a_backup_is_kept_aside_and_writing_goes_on() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 400, 1, "");
    // A directory with a file in it where the backup would go.
    std::fs::create_dir(logs.join("x.log.1")).expect("in the way");
    std::fs::write(logs.join("x.log.1/keep"), "").expect("kept");
    let input: String = app_lines(40);
    let (status, said) = write_stdin(&args(&config, &logs, &["--stats"]), &input);
    assert!(status.success(), "{said}");
    assert!(said.contains("cannot make "), "{said}");
    let aside = files(&logs, "x.log.rolled-");
    assert!(aside.len() > 2, "{said}");
    assert!(
        said.contains(&format!("rotations={0} backup_failures={0}", aside.len())),
        "{said}"
    );
    // Every line once, in order: the files kept aside, then x.log.
    let mut text: String = aside
        .into_iter()
        .map(|(_, bytes)| String::from_utf8(bytes).expect("utf-8"))
        .collect();
    text.push_str(&std::fs::read_to_string(logs.join("x.log")).expect("x.log"));
    assert_eq!(text, stdout(&barg(&["format"], &input)));
}

#[test]
fn lines_left_in_a_next_file_are_moved_aside_not_emptied() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 400, 3, "");
    std::fs::write(logs.join("x.log.next"), "a line the disk kept\n").expect("left");
    let input: String = app_lines(12);
    let (status, said) = write_stdin(&args(&config, &logs, &[]), &input);
    assert!(status.success(), "{said}");
    assert!(said.contains("x.log.next held lines; moved to "), "{said}");
    let aside = files(&logs, "x.log.rolled-");
    assert_eq!(aside.len(), 1, "{said}");
    assert_eq!(aside[0].1, b"a line the disk kept\n");
    std::fs::remove_file(logs.join(&aside[0].0)).expect("removed");
    assert_eq!(rotated_text(&logs), stdout(&barg(&["format"], &input)));
}

#[test]
fn an_x_log_removed_under_the_writer_is_started_again_at_the_next_rollover() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 400, 3, "");
    let mut writer = Writer::start(&args(&config, &logs, &[]));
    let mut stdin = writer.child.stdin.take().expect("stdin");
    let lines: Vec<String> = app_lines(30);
    stdin.write_all(lines[0].as_bytes()).expect("fed");
    wait_until("the first line written", || {
        std::fs::read_to_string(logs.join("x.log")).is_ok_and(|text| !text.is_empty())
    });
    std::fs::remove_file(logs.join("x.log")).expect("removed");
    stdin
        .write_all(lines[1..].concat().as_bytes())
        .expect("fed");
    drop(stdin);
    let (status, said) = writer.finish();
    assert!(status.success(), "{said}");
    assert!(
        said.contains("x.log was removed under the writer"),
        "{said}"
    );
    // The lines written to the removed file are gone; every line after
    // them is kept, in order, and nothing is left aside.
    let formatted = stdout(&barg(&["format"], &lines.concat()));
    let kept = rotated_text(&logs);
    assert!(!kept.is_empty() && formatted.ends_with(&kept), "{kept}");
    assert!(files(&logs, "x.log.").len() > 1, "rolled over since");
}

/// [`daily_with_x_log_from_yesterday`], with yesterday's dated file there
/// already holding `earlier` (compressed at `level` with `gzip`): its path
/// and its bytes.
fn daily_with_a_dated_file(
    gzip: bool,
    earlier: &str,
    level: flate2::Compression,
) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf, Vec<u8>) {
    let (tmp, logs, config, yesterday) = daily_with_x_log_from_yesterday(&format!("gzip = {gzip}"));
    let dated = logs.join(format!(
        "x.log.{yesterday}{}",
        if gzip { ".gz" } else { "" }
    ));
    let bytes = if gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
        encoder.write_all(earlier.as_bytes()).expect("compressed");
        encoder.finish().expect("compressed")
    } else {
        earlier.as_bytes().to_vec()
    };
    std::fs::write(&dated, &bytes).expect("dated");
    (tmp, logs, config, dated, bytes)
}

#[test]
fn a_dated_file_there_already_is_appended_to_never_replaced() {
    for gzip in [false, true] {
        let (_tmp, logs, config, dated, _) =
            daily_with_a_dated_file(gzip, "earlier\n", flate2::Compression::default());
        write_a_line_today(&config, &logs);
        let text = log_text(std::fs::read(&dated).expect("dated"), gzip);
        assert_eq!(text, "earlier\nwritten yesterday\n", "gzip {gzip}");
        let names: Vec<String> = files(&logs, "x.log").into_iter().map(|f| f.0).collect();
        let dated_name = dated
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert_eq!(names, ["x.log".to_owned(), dated_name], "gzip {gzip}");
    }
}

#[test]
fn an_append_to_a_dated_file_that_fails_midway_leaves_it_as_it_was() {
    // The dated file is 1,000 to 1,024 bytes and files cannot grow past
    // 1,024: appending yesterday's x.log to it (copied or compressed) lands
    // in part and fails. The dated file is cut back to what it held, and
    // yesterday's lines stay in the file left aside.
    for gzip in [false, true] {
        let earlier = "earlier line\n".repeat(if gzip { 76 } else { 78 });
        let (_tmp, logs, config, dated, before) =
            daily_with_a_dated_file(gzip, &earlier, flate2::Compression::none());
        assert!((1000..1024).contains(&before.len()), "{}", before.len());
        let mut writer = Writer::start_with_file_limit(&args(&config, &logs, &[]), 2);
        let mut stdin = writer.child.stdin.take().expect("stdin");
        stdin
            .write_all((event("INFO", "app", "today's line") + "\n").as_bytes())
            .expect("fed");
        drop(stdin);
        let (status, said) = writer.finish();
        assert!(status.success(), "gzip {gzip}: {said}");
        assert!(said.contains("File too large"), "gzip {gzip}: {said}");
        assert_eq!(
            std::fs::read(&dated).expect("dated"),
            before,
            "gzip {gzip}: {said}"
        );
        // No line is lost: yesterday's is in the file left aside.
        let all: String = files(&logs, "x.log")
            .into_iter()
            .filter(|(name, _)| !name.ends_with(".gz"))
            .map(|(_, bytes)| String::from_utf8(bytes).expect("utf-8"))
            .collect();
        assert_eq!(
            all.matches("written yesterday\n").count(),
            1,
            "gzip {gzip}: {all}"
        );
        assert_eq!(
            all.matches("app | today's line\n").count(),
            1,
            "gzip {gzip}: {all}"
        );
    }
}

#[test]
fn over_long_line_is_rejected_and_the_next_lines_are_kept() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "max_line_bytes = 1000");
    let long = event("INFO", "app", &"x".repeat(200_000));
    let input = format!(
        "{}\n{long}\n{}\n",
        event("INFO", "app", "before"),
        event("INFO", "app", "after")
    );
    let (status, said) = write_stdin(&args(&config, &logs, &[]), &input);
    assert!(status.success(), "{said}");
    let lines = all_lines(&logs, "x.log");
    assert_eq!(lines.len(), 2);
    assert!(lines[0].ends_with("| before") && lines[1].ends_with("| after"));
    let rejected: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(logs.join("rejected.log"))
            .expect("rejected")
            .trim_end(),
    )
    .expect("one json line");
    assert_eq!(rejected["violations"][0]["code"], "limit_exceeded");
    assert_eq!(rejected["input_bytes"], long.len());
    assert_eq!(rejected["input"].as_str().map(str::len), Some(4096));
}

#[test]
fn start_errors_are_clear_and_exit_2() {
    let tmp = temp_dir();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").expect("file");
    let bad_key = tmp.path().join("bad.toml");
    std::fs::write(&bad_key, "dir = \"logs\"\nfsynk = \"always\"\n").expect("config");
    let missing = tmp.path().join("missing");
    let logs = log_dir(tmp.path());
    let socket = format!("unix:{}", missing.join("in.sock").display());
    let cases: [(Vec<&str>, &str); 6] = [
        (
            vec!["--dir", logs.to_str().expect("utf-8"), "--listen", &socket],
            "cannot listen on unix:",
        ),
        (
            vec!["--dir", missing.to_str().expect("utf-8")],
            "does not exist",
        ),
        (
            vec!["--dir", file.to_str().expect("utf-8")],
            "not a directory",
        ),
        (vec!["--dir", "/proc"], "not writable"),
        (vec!["--config", bad_key.to_str().expect("utf-8")], "fsynk"),
        (
            vec![
                "--dir",
                tmp.path().to_str().expect("utf-8"),
                "--http",
                "0.0.0.0:0",
            ],
            "http.listen",
        ),
    ];
    for (args, message) in cases {
        let mut full = vec!["write"];
        full.extend(&args);
        let output = barg(&full, "");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let said = stderr(&output);
        assert!(
            said.contains("[ERROR] ") && said.contains(message),
            "{args:?}: {said}"
        );
    }
}

#[test]
fn a_unix_socket_path_that_is_not_a_stale_socket_is_left_as_it_is() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let dir = logs.to_str().expect("utf-8");
    // The writer on `path` exits 2 and says `message`.
    let refused = |path: &Path, message: &str| {
        let listen = format!("unix:{}", path.display());
        let output = barg(&["write", "--dir", dir, "--listen", &listen], "");
        assert_eq!(output.status.code(), Some(2));
        let said = stderr(&output);
        assert!(said.contains(message), "{said}");
    };
    // A file that is not a socket: the bind fails, and the file stays whole.
    let file = logs.join("derakht.log");
    std::fs::write(&file, "a line\n").expect("file");
    refused(&file, "cannot listen on unix:");
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "a line\n");
    // A socket another program listens on: neither taken over nor removed.
    let live = tmp.path().join("live.sock");
    let listener = std::os::unix::net::UnixListener::bind(&live).expect("bound");
    refused(&live, "a live socket is there");
    assert!(live.exists());
    UnixStream::connect(&live).expect("still the other program's");
    drop(listener);
    // Once nothing listens on it, it is a stale socket: taken, then removed.
    let mut writer = Writer::start(&[
        "--dir",
        dir,
        "--listen",
        &format!("unix:{}", live.display()),
    ]);
    writer.wait_for("listening on unix:");
    writer.stopped_by(Some("TERM"));
    assert!(!live.exists());
}

#[test]
fn config_prints_the_seed_layout_and_reads_back() {
    let seed = barg(&["config"], "");
    assert!(seed.status.success());
    let text = stdout(&seed);
    assert_eq!(text.matches("[[files]]").count(), 6);
    assert!(text.contains("path = \"audit.log\"") && text.contains("fsync = \"interval\""));
    let tmp = temp_dir();
    let file = tmp.path().join("seed.toml");
    std::fs::write(&file, &text).expect("written");
    let again = barg(&["config", "--config", file.to_str().expect("utf-8")], "");
    assert_eq!(stdout(&again), text);

    let debug = barg_env(&["config", "--dir", "/var/log/app"], "", &[("DEBUG", "1")]);
    let debug = stdout(&debug);
    assert!(debug.contains("dir = \"/var/log/app\"") && debug.contains("level = \"DEBUG\""));
    assert!(!debug.contains("format = \"simple\"") && debug.contains("format = \"verbose\""));
    let level = barg_env(&["config"], "", &[("DJANGO_LOG_LEVEL", "warning")]);
    assert!(stdout(&level).contains("level = \"WARNING\""));
}

#[test]
fn a_second_writer_on_the_same_directory_exits_at_once() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let socket = tmp.path().join("in.sock");
    let listen = format!("unix:{}", socket.display());
    let mut first = Writer::start(&["--dir", logs.to_str().expect("utf-8"), "--listen", &listen]);
    first.wait_for("listening on unix:");
    let second = barg(&["write", "--dir", logs.to_str().expect("utf-8")], "");
    assert_eq!(second.status.code(), Some(2));
    assert!(
        stderr(&second).contains("another barg writer owns"),
        "{}",
        stderr(&second)
    );
    first.signal("TERM");
    let (status, _) = first.finish();
    assert!(status.success());
    // Once the first is gone, the directory is free again.
    let third = barg(&["write", "--dir", logs.to_str().expect("utf-8")], "");
    assert!(third.status.success(), "{}", stderr(&third));
}

#[test]
fn sigterm_drains_the_queue_and_exits_0() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 50_000, 1000, "queue = 64");
    let mut writer = Writer::start(&args(&config, &logs, &["--stats"]));
    let mut stdin = writer.child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        for message in ascii_messages(200_000) {
            if stdin
                .write_all((event("INFO", "app", &message) + "\n").as_bytes())
                .is_err()
            {
                break;
            }
        }
        // Standard input stays open: only the signal stops the writer.
        stdin
    });
    wait_until("the first lines", || {
        std::fs::metadata(logs.join("x.log")).is_ok_and(|m| m.len() > 0)
    });
    let said = writer.stopped_by(Some("TERM"));
    assert!(said.contains("SIGTERM: stopping"));
    drop(feeder.join());
    let stats = stats(&said);
    let lines = all_lines(&logs, "x.log");
    assert!(!lines.is_empty());
    // Every event admitted before the stop was written, in order, whole.
    assert_eq!(lines.len() as u64, stats["events_accepted"], "{said}");
    assert_eq!(stats["events_dropped"], 0);
    for (i, line) in lines.iter().enumerate() {
        assert!(line.contains(&format!("| m{i} ")), "line {i}: {line}");
    }
}

#[test]
fn sighup_reopens_the_files() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let socket = tmp.path().join("in.sock");
    let listen = format!("unix:{}", socket.display());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "");
    let mut writer = Writer::start(&args(&config, &logs, &["--listen", &listen]));
    writer.wait_for("listening on unix:");
    let send = |message: &str| {
        let mut client = UnixStream::connect(&socket).expect("connect");
        client
            .write_all((event("INFO", "app", message) + "\n").as_bytes())
            .expect("sent");
    };
    send("before the move");
    let x = logs.join("x.log");
    wait_until("the first line", || {
        std::fs::metadata(&x).is_ok_and(|m| m.len() > 0)
    });
    std::fs::rename(&x, logs.join("x.log.moved")).expect("moved");
    writer.signal("HUP");
    writer.wait_for("reopened the log files");
    send("after the move");
    wait_until("the second line", || {
        std::fs::metadata(&x).is_ok_and(|m| m.len() > 0)
    });
    writer.stopped_by(Some("TERM"));
    let moved = std::fs::read_to_string(logs.join("x.log.moved")).expect("moved");
    let fresh = std::fs::read_to_string(&x).expect("x.log");
    assert!(moved.ends_with("app | before the move\n") && moved.lines().count() == 1);
    assert!(fresh.ends_with("app | after the move\n") && fresh.lines().count() == 1);
    assert!(!socket.exists(), "the socket is removed at exit");
}

/// Checks that the lines are exactly `clients` × `per_client` messages
/// `c{client}-{i}`, each once and whole, each client's in the order it sent
/// them, and that no file reached the limit.
fn check_every_event_once(logs: &Path, clients: usize, per_client: usize, max_bytes: usize) {
    for (name, bytes) in files(logs, "x.log") {
        assert!(bytes.len() < max_bytes, "{name}: {} bytes", bytes.len());
    }
    let lines = all_lines(logs, "x.log");
    let mut seen = HashMap::new();
    let mut last: HashMap<String, usize> = HashMap::new();
    for line in &lines {
        let message = line
            .strip_prefix("[INFO] 2025-12-26 10:30:45 app | ")
            .unwrap_or_else(|| panic!("a mangled line: {line:?}"));
        let (id, padding) = message.split_once(' ').expect("id and padding");
        assert_eq!(padding, "p".repeat(padding.len()), "interleaved: {line:?}");
        *seen.entry(id.to_owned()).or_insert(0) += 1;
        let (client, i) = id.split_once('-').expect("client and number");
        let i: usize = i.parse().expect("a number");
        if let Some(before) = last.insert(client.to_owned(), i) {
            assert!(before < i, "{client}: {i} after {before}");
        }
    }
    for client in 0..clients {
        for i in 0..per_client {
            let id = format!("c{client}-{i}");
            assert_eq!(seen.get(&id), Some(&1), "{id}");
        }
    }
    assert_eq!(lines.len(), clients * per_client);
}

fn padded(client: usize, i: usize) -> String {
    format!(
        "c{client}-{i} {}",
        "p".repeat((client * 7 + i * 13) % 120 + 1)
    )
}

#[test]
fn many_unix_clients_during_rotation_land_each_event_once() {
    const CLIENTS: usize = 8;
    const EACH: usize = 400;
    const MAX: usize = 6000;
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), MAX as u64, 500, "queue = 256");
    let (writer, socket, addr) = start_listening(tmp.path(), &logs, &config, &["--stats"]);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let socket = socket.clone();
            std::thread::spawn(move || {
                let mut stream = UnixStream::connect(&socket).expect("connect");
                for i in 0..EACH {
                    // Lines cut at odd places across writes.
                    let line = event("INFO", "app", &padded(client, i)) + "\n";
                    let (a, b) = line.as_bytes().split_at(line.len() / 3);
                    stream.write_all(a).expect("sent");
                    stream.write_all(b).expect("sent");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client");
    }
    wait_until("every line", || {
        lines_written(&addr, "x.log") == (CLIENTS * EACH) as u64
    });
    writer.stopped_by(Some("TERM"));
    check_every_event_once(&logs, CLIENTS, EACH, MAX);
    assert!(files(&logs, "x.log.").len() > 10, "rotation happened");
}

/// Stops the writer with SIGTERM; gives the messages in `x.log`, sorted,
/// and what the writer said.
fn stop_for_messages(writer: Writer, logs: &Path) -> (Vec<String>, String) {
    let said = writer.stopped_by(Some("TERM"));
    let mut messages: Vec<String> = all_lines(logs, "x.log")
        .iter()
        .map(|l| l.rsplit(" | ").next().unwrap_or("").to_owned())
        .collect();
    messages.sort();
    (messages, said)
}

#[test]
fn a_client_gone_mid_line_loses_only_its_partial_line() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "");
    let (writer, socket, addr) = start_listening(tmp.path(), &logs, &config, &["--stats"]);
    let mut steady = UnixStream::connect(&socket).expect("connect");
    steady
        .write_all((event("INFO", "app", "steady one") + "\n").as_bytes())
        .expect("sent");
    {
        let mut leaving = UnixStream::connect(&socket).expect("connect");
        let whole = event("INFO", "app", "whole line") + "\n";
        let cut = event("INFO", "app", "cut line");
        leaving.write_all(whole.as_bytes()).expect("sent");
        leaving
            .write_all(&cut.as_bytes()[..cut.len() / 2])
            .expect("sent");
    }
    steady
        .write_all((event("INFO", "app", "steady two") + "\n").as_bytes())
        .expect("sent");
    drop(steady);
    wait_until("three lines", || lines_written(&addr, "x.log") == 3);
    let (messages, said) = stop_for_messages(writer, &logs);
    assert_eq!(messages, ["steady one", "steady two", "whole line"]);
    assert!(said.contains("partial_lines=1"), "{said}");
    assert_eq!(
        std::fs::read_to_string(logs.join("rejected.log")).expect("rejected"),
        ""
    );
}

#[test]
fn a_client_that_closes_after_a_last_line_without_its_break_has_it_written() {
    // `printf '{...}' | nc -U socket`: the stream ends cleanly after a whole
    // event that has no line break. It is taken; a cut line is not.
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "");
    let (writer, socket, addr) = start_listening(tmp.path(), &logs, &config, &["--stats"]);
    for (message, end) in [("first", "\n"), ("last without a break", "")] {
        let mut client = UnixStream::connect(&socket).expect("connect");
        let text = event("INFO", "app", message) + end;
        client.write_all(text.as_bytes()).expect("sent");
        client.shutdown(std::net::Shutdown::Write).expect("closed");
    }
    let mut cut = UnixStream::connect(&socket).expect("connect");
    let line = event("INFO", "app", "cut");
    cut.write_all(&line.as_bytes()[..line.len() - 1])
        .expect("sent");
    drop(cut);
    wait_until("two lines and the cut one counted", || {
        let (_, _, metrics) = http(&addr, "GET", "/metrics", &[], b"");
        lines_written(&addr, "x.log") == 2 && metrics.contains("barg_partial_lines_total 1")
    });
    let (messages, said) = stop_for_messages(writer, &logs);
    assert_eq!(messages, ["first", "last without a break"]);
    assert!(said.contains("partial_lines=1"), "{said}");
}

#[test]
fn a_full_disk_is_counted_retried_and_reported() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "");
    // Every write to /dev/full fails with "no space left on device".
    std::os::unix::fs::symlink("/dev/full", logs.join("x.log")).expect("symlink");
    let mut writer = Writer::start(&args(&config, &logs, &["--stats"]));
    let mut stdin = writer.child.stdin.take().expect("stdin");
    stdin
        .write_all((event("INFO", "app", "nowhere to go") + "\n").as_bytes())
        .expect("fed");
    writer.wait_for("retrying");
    writer.signal("TERM");
    let (status, said) = writer.finish();
    drop(stdin);
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(said.contains("No space left on device"), "{said}");
    assert!(said.contains("gave up 1 lines for x.log"), "{said}");
    let stats = stats(&said);
    assert_eq!(stats["events_dropped"], 1);
    assert!(stats["write_errors"] >= 2, "{said}");
}

#[test]
fn an_event_that_cannot_be_written_is_never_acknowledged() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    std::os::unix::fs::symlink("/dev/full", logs.join("x.log")).expect("symlink");
    let config = one_file_config(tmp.path(), 1_000_000, 1, "");
    let mut writer = Writer::start(&args(&config, &logs, &["--http", "127.0.0.1:0"]));
    let addr = writer.wait_for("listening on http://").trim().to_owned();
    let batch = format!("[{}]", event("INFO", "app", "nowhere to go"));
    let post = std::thread::spawn({
        let addr = addr.clone();
        move || http(&addr, "POST", "/v1/events", &[], batch.as_bytes())
    });
    writer.wait_for("retrying");
    writer.signal("TERM");
    let (status, headers, body) = post.join().expect("the request");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("could not be written"), "{body}");
    assert!(
        headers.to_ascii_lowercase().contains("retry-after: 1"),
        "{headers}"
    );
    let (status, said) = writer.finish();
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(said.contains("gave up 1 lines for x.log"), "{said}");
}

/// Lines the writer reports written to `file`, from `GET /metrics`: exact
/// at any moment, unlike reading files that may be rotating.
fn lines_written(addr: &str, file: &str) -> u64 {
    let (_, _, metrics) = http(addr, "GET", "/metrics", &[], b"");
    let prefix = format!("barg_lines_written_total{{file=\"{file}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&prefix)?.parse().ok())
        .unwrap_or(0)
}

/// One HTTP/1.1 request over a fresh connection: status, headers, body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, String) {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("sent");
    stream.write_all(body).expect("sent");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("answer");
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn start_http(tmp: &Path, extra: &str, max_bytes: u64) -> (Writer, PathBuf, String) {
    let logs = log_dir(tmp);
    let config = one_file_config(tmp, max_bytes, 500, extra);
    let mut writer = Writer::start(&args(&config, &logs, &["--http", "127.0.0.1:0", "--stats"]));
    let addr = writer.wait_for("listening on http://").trim().to_owned();
    wait_until("healthz", || {
        http(&addr, "GET", "/healthz", &[], b"").0 == 200
    });
    (writer, logs, addr)
}

/// A writer on HTTP whose "disk" has stalled: `x.log` is a FIFO that `cat`
/// copies out, and `cat` is stopped, so that the writer's writes stop once
/// the pipe is full. Clients get `timeout_ms`.
struct Stalled {
    _tmp: tempfile::TempDir,
    writer: Writer,
    addr: String,
    reader: Child,
    copy: PathBuf,
}

impl Stalled {
    fn start(timeout_ms: u32) -> Stalled {
        let tmp = temp_dir();
        let logs = log_dir(tmp.path());
        let fifo = logs.join("x.log");
        let made = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let copy = tmp.path().join("copy");
        let reader = Command::new("cat")
            .arg(&fifo)
            .stdout(std::fs::File::create(&copy).expect("copy"))
            .spawn()
            .expect("cat runs");
        let extra = format!("fsync = \"never\"\n[http]\ntimeout_ms = {timeout_ms}");
        let config = one_file_config(tmp.path(), 100_000_000, 1, &extra);
        let mut writer = Writer::start(&args(&config, &logs, &["--http", "127.0.0.1:0"]));
        let addr = writer.wait_for("listening on http://").trim().to_owned();
        let stalled = Stalled {
            _tmp: tmp,
            writer,
            addr,
            reader,
            copy,
        };
        stalled.reader_gets("STOP");
        stalled
    }

    fn reader_gets(&self, signal: &str) {
        kill(self.reader.id(), signal);
    }

    /// Posts `body` on a thread of its own; the thread gives the status.
    fn post(&self, body: String) -> std::thread::JoinHandle<u16> {
        let addr = self.addr.clone();
        std::thread::spawn(move || http(&addr, "POST", "/v1/events", &[], body.as_bytes()).0)
    }

    /// Stops the writer (by `signal`, or it was sent already), which must
    /// exit 0; gives every line that reached the disk.
    fn stopped_by(self, signal: Option<&str>) -> String {
        let Stalled {
            _tmp,
            writer,
            mut reader,
            copy,
            ..
        } = self;
        writer.stopped_by(signal);
        assert!(reader.wait().expect("cat ends").success());
        std::fs::read_to_string(&copy).expect("copy")
    }
}

/// 1,000 events as NDJSON, more than a pipe holds.
fn a_pipeful() -> String {
    (0..1000)
        .map(|i| event("INFO", "app", &format!("ev{i:04} {}", "x".repeat(200))) + "\n")
        .collect()
}

#[test]
fn a_request_waiting_for_a_stalled_disk_is_answered_however_long_it_waits() {
    let stalled = Stalled::start(1000);
    let full = stalled.post(a_pipeful());
    std::thread::sleep(Duration::from_millis(500));
    let one = stalled.post(event("INFO", "app", "the one event"));
    // Three times the client timeout: neither connection is idle, both
    // wait for the writer.
    std::thread::sleep(Duration::from_secs(3));
    stalled.reader_gets("CONT");
    assert_eq!(full.join().expect("answered"), 200);
    assert_eq!(one.join().expect("answered"), 200);
    let copied = stalled.stopped_by(Some("TERM"));
    assert_eq!(copied.lines().count(), 1001);
    assert_eq!(copied.matches("the one event").count(), 1);
}

#[test]
fn a_stop_answers_a_request_that_waits_longer_than_the_stop_waits_for_it() {
    let stalled = Stalled::start(60_000);
    let full = stalled.post(a_pipeful());
    std::thread::sleep(Duration::from_millis(500));
    stalled.writer.signal("TERM");
    // Past the 5 s the stop waits for HTTP before it stops the writer.
    std::thread::sleep(Duration::from_secs(6));
    stalled.reader_gets("CONT");
    assert_eq!(full.join().expect("answered"), 200);
    let copied = stalled.stopped_by(None);
    assert_eq!(copied.lines().count(), 1000);
}

#[test]
fn http_answers_per_event_and_guards_its_door() {
    let tmp = temp_dir();
    let extra =
        "[http]\ntoken = \"s3cret\"\ncors = [\"https://app.example\"]\nmax_body_bytes = 2000";
    let (writer, logs, addr) = start_http(tmp.path(), extra, 1_000_000);
    let auth = ("Authorization", "Bearer s3cret");
    let batch = format!(
        "[{},{{\"level\":\"INFO\"}},{}]",
        event("INFO", "app", "one"),
        event("ERROR", "app", "two")
    );

    let (status, _, _) = http(&addr, "POST", "/v1/events", &[], batch.as_bytes());
    assert_eq!(status, 401);
    let (status, _, _) = http(
        &addr,
        "POST",
        "/v1/events",
        &[("Authorization", "Bearer s3cres")],
        batch.as_bytes(),
    );
    assert_eq!(status, 401);
    // The scheme is named in any case; another scheme is no token.
    for (scheme, expected) in [("bearer", 200), ("BEARER", 200), ("Basic", 401)] {
        let header = format!("{scheme} s3cret");
        let (status, _, _) = http(
            &addr,
            "POST",
            "/v1/events",
            &[("Authorization", &header)],
            b"[]",
        );
        assert_eq!(status, expected, "{header}");
    }

    let (status, _, body) = http(&addr, "POST", "/v1/events", &[auth], batch.as_bytes());
    assert_eq!(status, 200, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["accepted"], 2);
    assert_eq!(
        body["results"][0],
        serde_json::json!({"index": 0, "status": "accepted"})
    );
    assert_eq!(body["results"][1]["status"], "rejected");
    assert!(
        body["results"][1]["violations"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("logger"))
    );
    // Answered means written.
    let lines = all_lines(&logs, "x.log");
    assert!(
        lines[0].ends_with("app | one") && lines[1].ends_with("app | two"),
        "{lines:?}"
    );

    // A beacon cannot send a header: the token may come in the query, of
    // /v1/events only.
    let beacon = format!("[{}]", event("INFO", "app", "beaconed"));
    let (status, _, _) = http(
        &addr,
        "POST",
        "/v1/events?token=s3cres",
        &[],
        beacon.as_bytes(),
    );
    assert_eq!(status, 401);
    let (status, _, body) = http(
        &addr,
        "POST",
        "/v1/events?source=web&token=s3cret",
        &[("Content-Type", "text/plain;charset=UTF-8")],
        beacon.as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    assert!(all_lines(&logs, "x.log")[2].ends_with("app | beaconed"));
    let (status, _, _) = http(&addr, "GET", "/metrics?token=s3cret", &[], b"");
    assert_eq!(status, 401);

    let ndjson = format!("{}\n\n{}\n", event("INFO", "app", "three"), "{oops");
    let (status, _, body) = http(&addr, "POST", "/v1/events", &[auth], ndjson.as_bytes());
    assert_eq!(status, 200);
    assert!(body.contains(r#""index":1,"status":"rejected""#), "{body}");

    // An array with a broken item keeps the good items around it: each is
    // read by itself, as a line is.
    let broken = format!(
        "[{},\n{{\"level\":\"INFO\",\"logger\":\"app\",oops}},\n{},,\n{}",
        event("INFO", "app", "four"),
        event("INFO", "app", "five"),
        event("INFO", "app", "six"),
    );
    let (status, _, body) = http(&addr, "POST", "/v1/events", &[auth], broken.as_bytes());
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(answer["accepted"], 3, "{body}");
    assert_eq!(answer["rejected"], 3, "{body}");
    let results = answer["results"].as_array().expect("results");
    let messages: Vec<&str> = results
        .iter()
        .filter_map(|result| result["violations"][0]["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 3, "{body}");
    assert!(
        messages[0].starts_with("not JSON: key must be a string"),
        "{body}"
    );
    assert!(
        messages[1].starts_with("an empty item: no value before the `,` at byte"),
        "{body}"
    );
    assert!(messages[2].starts_with("the array is not closed"), "{body}");
    assert_eq!(
        results
            .iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [
            "accepted", "rejected", "accepted", "rejected", "accepted", "rejected"
        ],
        "{body}"
    );
    let lines = all_lines(&logs, "x.log");
    assert!(
        ["four", "five", "six"]
            .iter()
            .all(|m| lines.iter().any(|l| l.ends_with(&format!("app | {m}")))),
        "{lines:?}"
    );
    let (status, _, _) = http(
        &addr,
        "POST",
        "/v1/events",
        &[auth, ("Content-Length", "5000")],
        b"",
    );
    assert_eq!(status, 413);

    let origin = ("Origin", "https://app.example");
    let (status, head, _) = http(&addr, "OPTIONS", "/v1/events", &[origin], b"");
    assert_eq!(status, 204);
    assert!(
        head.contains("access-control-allow-origin: https://app.example"),
        "{head}"
    );
    let (status, head, _) = http(&addr, "POST", "/v1/events", &[auth, origin], b"");
    assert_eq!(status, 200);
    assert!(
        head.contains("access-control-allow-origin: https://app.example"),
        "{head}"
    );
    assert!(
        head.contains("access-control-expose-headers: retry-after"),
        "a page's transport reads Retry-After: {head}"
    );
    // sendBeacon's type: the body is read as JSON whatever the type says.
    let (status, _, body) = http(
        &addr,
        "POST",
        "/v1/events",
        &[auth, origin, ("Content-Type", "text/plain;charset=UTF-8")],
        format!("[{}]", event("INFO", "app", "beacon")).as_bytes(),
    );
    assert_eq!(
        (status, body.contains(r#""accepted":1"#)),
        (200, true),
        "{body}"
    );
    let (status, _, _) = http(
        &addr,
        "POST",
        "/v1/events",
        &[auth, ("Origin", "https://evil.example")],
        batch.as_bytes(),
    );
    assert_eq!(status, 403);

    let (status, _, _) = http(&addr, "GET", "/metrics", &[], b"");
    assert_eq!(status, 401);
    let (status, _, metrics) = http(&addr, "GET", "/metrics", &[auth], b"");
    assert_eq!(status, 200);
    for expected in [
        "barg_events_received_total 13",
        "barg_events_accepted_total 8",
        "barg_events_rejected_total 5",
        "barg_events_dropped_total 0",
        "barg_lines_written_total{file=\"x.log\"} 8",
        "barg_lines_written_total{file=\"rejected.log\"} 5",
        "barg_rotations_total{file=\"x.log\"} 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == expected),
            "{expected} in\n{metrics}"
        );
    }
    let said = writer.stopped_by(Some("INT"));
    assert!(said.contains("SIGINT: stopping"), "{said}");
}

#[test]
fn http_arrays_are_checked_as_the_lines_are() {
    // An event in an array is checked from its own text, as a line is: a
    // duplicate key is a violation, not the last value silently kept, and
    // the number is the one written.
    let tmp = temp_dir();
    let (writer, logs, addr) = start_http(tmp.path(), "", 1_000_000);
    let twice = r#"{"level":"ERROR","level":"INFO","logger":"app","message":"twice"}"#;
    let batch = format!("[{twice},{}]", event("INFO", "app", "kept"));
    for body in [batch, format!("{twice}\n{}", event("INFO", "app", "kept"))] {
        let (status, _, answer) = http(&addr, "POST", "/v1/events", &[], body.as_bytes());
        assert_eq!(status, 200, "{answer}");
        let answer: serde_json::Value = serde_json::from_str(&answer).expect("json");
        assert_eq!(answer["accepted"], 1, "{body}: {answer}");
        assert_eq!(
            answer["results"][0]["status"], "rejected",
            "{body}: {answer}"
        );
        assert_eq!(
            answer["results"][0]["violations"][0]["code"], "duplicate_key",
            "{body}: {answer}"
        );
    }
    // An event that serde_json cannot read (a lone surrogate, a number out
    // of range) is rejected alone; the events around it are kept.
    for bad in [r#""\ud800""#, "1e999"] {
        let broken = format!(r#"{{"level":"INFO","logger":"app","message":{bad}}}"#);
        let body = format!("[{broken},{}]", event("INFO", "app", "kept"));
        let (status, _, answer) = http(&addr, "POST", "/v1/events", &[], body.as_bytes());
        assert_eq!(status, 200, "{body}: {answer}");
        let answer: serde_json::Value = serde_json::from_str(&answer).expect("json");
        assert_eq!(answer["accepted"], 1, "{body}: {answer}");
        assert_eq!(answer["results"][0]["violations"][0]["code"], "not_json");
    }
    // An array written over several lines is read as it is written.
    let pretty = "[\n  {\n    \"level\": \"INFO\",\n    \"logger\": \"app\",\n    \"message\": \"kept\"\n  }\n]\n";
    let (status, _, answer) = http(&addr, "POST", "/v1/events", &[], pretty.as_bytes());
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains(r#""accepted":1"#), "{answer}");
    // A body read from a file may start with a byte-order mark, as an
    // array or as NDJSON: it is no part of the first event.
    let kept = event("INFO", "app", "kept");
    for body in [format!("\u{feff}[{kept}]"), format!("\u{feff}{kept}\n")] {
        let (status, _, answer) = http(&addr, "POST", "/v1/events", &[], body.as_bytes());
        assert_eq!(status, 200, "{answer}");
        assert!(answer.contains(r#""accepted":1"#), "{body}: {answer}");
    }
    let lines = all_lines(&logs, "x.log");
    assert_eq!(lines.len(), 7, "{lines:?}");
    assert!(lines.iter().all(|l| l.ends_with("app | kept")), "{lines:?}");
    writer.stopped_by(Some("INT"));
}

#[test]
fn http_takes_gzip_bodies_within_the_limit_and_names_other_encodings() {
    let tmp = temp_dir();
    let extra = "[http]\ncors = [\"https://app.example\"]\nmax_body_bytes = 2000";
    let (writer, logs, addr) = start_http(tmp.path(), extra, 1_000_000);
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).expect("compressed");
        encoder.finish().expect("compressed")
    };
    let batch = format!(
        "[{},{}]",
        event("INFO", "app", "one"),
        event("INFO", "app", "two")
    );
    let post = |encoding: &str, body: &[u8]| {
        http(
            &addr,
            "POST",
            "/v1/events",
            &[("Content-Encoding", encoding)],
            body,
        )
    };
    for encoding in ["gzip", "x-gzip", "GZip"] {
        let (status, _, answer) = post(encoding, &gzip(batch.as_bytes()));
        assert_eq!(status, 200, "{encoding}: {answer}");
        assert!(answer.contains(r#""accepted":2"#), "{encoding}: {answer}");
    }
    let (status, _, answer) = post("identity", batch.as_bytes());
    assert_eq!(status, 200, "{answer}");
    // An empty body holds no events, compressed or not.
    for encoding in ["gzip", "identity"] {
        let (status, _, answer) = post(encoding, b"");
        assert_eq!(status, 200, "{encoding}: {answer}");
        assert!(answer.contains(r#""accepted":0"#), "{encoding}: {answer}");
    }

    // The limit is the inflated body's: 30 KB of spaces compress to a few
    // dozen bytes, and are still refused.
    let padded = format!("{batch}{}", " ".repeat(30_000));
    let small = gzip(padded.as_bytes());
    assert!(small.len() < 2000, "{}", small.len());
    let (status, _, answer) = post("gzip", &small);
    assert_eq!(status, 413, "{answer}");
    assert_eq!(
        answer,
        r#"{"error":"the body is over the limit of 2000 bytes once inflated"}"#
    );
    let (status, _, answer) = post("gzip", batch.as_bytes());
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.starts_with(r#"{"error":"the body is not gzip: "#),
        "{answer}"
    );
    let (status, head, answer) = post("br", batch.as_bytes());
    assert_eq!(status, 415, "{answer}");
    assert_eq!(
        answer,
        r#"{"error":"content-encoding \"br\" is not supported: send the body as it is, or as gzip"}"#
    );
    assert!(head.contains("accept-encoding: gzip"), "{head}");

    // A page may send it compressed: the preflight allows the header.
    let origin = ("Origin", "https://app.example");
    let (status, head, _) = http(&addr, "OPTIONS", "/v1/events", &[origin], b"");
    assert_eq!(status, 204);
    assert!(
        head.contains(
            "access-control-allow-headers: authorization, content-type, content-encoding"
        ),
        "{head}"
    );

    let lines = all_lines(&logs, "x.log");
    assert_eq!(lines.len(), 8, "{lines:?}");
    writer.stopped_by(Some("INT"));
}

#[test]
fn a_write_that_fails_midway_leaves_only_whole_lines() {
    // Files limited to 1024 bytes: the batch that crosses the limit lands in
    // part and fails. The file is cut back to its last whole line, the
    // writer retries, and at the end gives the lines up, counted.
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "");
    let mut writer = Writer::start_with_file_limit(&args(&config, &logs, &["--stats"]), 2);
    let mut stdin = writer.child.stdin.take().expect("stdin");
    let mut sent = 0;
    // Lines of the simple format are about 60 bytes: a few batches fit.
    for batch in 0..8 {
        let lines: String = (0..5)
            .map(|i| event("INFO", "app", &format!("batch {batch} event {i}")) + "\n")
            .collect();
        stdin.write_all(lines.as_bytes()).expect("sent");
        stdin.flush().expect("sent");
        sent += 5;
        std::thread::sleep(Duration::from_millis(30));
    }
    writer.wait_for("cannot write x.log, retrying: File too large");
    drop(stdin);
    let (status, said) = writer.finish();
    let written = std::fs::read_to_string(logs.join("x.log")).expect("x.log");
    assert!(written.len() <= 1024, "{written:?}");
    assert!(written.is_empty() || written.ends_with('\n'), "{written:?}");
    let lines: Vec<&str> = written.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        let expected = format!("app | batch {} event {}", n / 5, n % 5);
        assert!(
            line.starts_with("[INFO] ") && line.ends_with(&expected),
            "line {n}: {line:?}"
        );
    }
    let dropped = sent - lines.len();
    assert!(
        said.contains(&format!("gave up {dropped} lines for x.log")),
        "{dropped} dropped:\n{said}"
    );
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("stopped, with {dropped} events not written")),
        "{said}"
    );
}

#[test]
fn many_http_clients_during_rotation_land_each_event_once() {
    const CLIENTS: usize = 6;
    const REQUESTS: usize = 15;
    const BATCH: usize = 20;
    const MAX: usize = 6000;
    let tmp = temp_dir();
    let (writer, logs, addr) = start_http(
        tmp.path(),
        "queue = 64\nfsync = \"always\"\n[http]\nmax_connections = 64",
        MAX as u64,
    );
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                for request in 0..REQUESTS {
                    let events: Vec<String> = (0..BATCH)
                        .map(|j| event("INFO", "app", &padded(client, request * BATCH + j)))
                        .collect();
                    let body = if request % 2 == 0 {
                        format!("[{}]", events.join(","))
                    } else {
                        events.join("\n")
                    };
                    let (status, _, answer) =
                        http(&addr, "POST", "/v1/events", &[], body.as_bytes());
                    assert_eq!(status, 200, "{answer}");
                    assert!(
                        answer.starts_with(&format!("{{\"accepted\":{BATCH},\"rejected\":0")),
                        "{answer}"
                    );
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client");
    }
    writer.stopped_by(Some("TERM"));
    check_every_event_once(&logs, CLIENTS, REQUESTS * BATCH, MAX);
    assert!(files(&logs, "x.log.").len() > 5, "rotation happened");
}

#[test]
fn tcp_clients_on_loopback_are_heard() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "");
    let mut writer = Writer::start(&args(
        &config,
        &logs,
        &["--listen", "tcp:127.0.0.1:0", "--http", "127.0.0.1:0"],
    ));
    let http_addr = writer.wait_for("listening on http://").trim().to_owned();
    let addr = writer.wait_for("listening on tcp:").trim().to_owned();
    let senders: Vec<_> = (0..4)
        .map(|client| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
                for i in 0..50 {
                    let line = event("INFO", "app", &padded(client, i)) + "\n";
                    stream.write_all(line.as_bytes()).expect("sent");
                }
            })
        })
        .collect();
    for sender in senders {
        sender.join().expect("client");
    }
    wait_until("every line", || lines_written(&http_addr, "x.log") == 200);
    writer.stopped_by(Some("TERM"));
    check_every_event_once(&logs, 4, 50, 1_000_000);
}

#[test]
fn http_bounds_connections_and_closes_idle_ones() {
    // One place, and a long idle timeout: a silent client keeps the place.
    let tmp = temp_dir();
    let (writer, _logs, addr) = start_http(tmp.path(), "[http]\nmax_connections = 1", 1_000_000);
    let silent = std::net::TcpStream::connect(&addr).expect("connect");
    let mut waiting = std::net::TcpStream::connect(&addr).expect("queued by the kernel");
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("sent");
    waiting
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let mut answer = Vec::new();
    let early = waiting.read_to_end(&mut answer);
    assert!(
        early.is_err() && answer.is_empty(),
        "answered while the place was taken"
    );
    drop(silent);
    waiting.set_read_timeout(None).expect("no timeout");
    waiting
        .read_to_end(&mut answer)
        .expect("answered once the place is free");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    writer.signal("TERM");
    assert!(writer.finish().0.success());

    // A short idle timeout: the writer closes a silent client.
    let tmp = temp_dir();
    let (writer, _logs, addr) = start_http(tmp.path(), "[http]\ntimeout_ms = 200", 1_000_000);
    let mut silent = std::net::TcpStream::connect(&addr).expect("connect");
    let mut rest = Vec::new();
    silent.read_to_end(&mut rest).expect("closed by the writer");
    assert!(rest.is_empty());
    writer.signal("TERM");
    assert!(writer.finish().0.success());
}

#[test]
fn stream_clients_past_max_clients_wait_their_turn() {
    let tmp = temp_dir();
    let logs = log_dir(tmp.path());
    let config = one_file_config(tmp.path(), 1_000_000, 1, "max_clients = 1");
    let (writer, socket, addr) = start_listening(tmp.path(), &logs, &config, &[]);
    let mut first = UnixStream::connect(&socket).expect("connect");
    first
        .write_all((event("INFO", "app", "first") + "\n").as_bytes())
        .expect("sent");
    wait_until("the first line", || lines_written(&addr, "x.log") == 1);
    // The only place is taken: the second client is not read...
    let mut second = UnixStream::connect(&socket).expect("queued by the kernel");
    second
        .write_all((event("INFO", "app", "second") + "\n").as_bytes())
        .expect("sent");
    first
        .write_all((event("INFO", "app", "first again") + "\n").as_bytes())
        .expect("sent");
    wait_until("the first client's second line", || {
        lines_written(&addr, "x.log") == 2
    });
    let lines = all_lines(&logs, "x.log");
    assert!(lines[1].ends_with("| first again"), "{lines:?}");
    // ...until the first leaves.
    drop(first);
    wait_until("the second client's line", || {
        lines_written(&addr, "x.log") == 3
    });
    assert!(all_lines(&logs, "x.log")[2].ends_with("| second"));
    drop(second);
    writer.signal("TERM");
    assert!(writer.finish().0.success());
}
