//! The `barg` command: exit codes, error reports and the good lines kept.

use crate::util::{barg, barg_env, stderr, stdout};

const GOOD: &str =
    r#"{"timestamp":"2025-12-26T10:30:45Z","level":"INFO","logger":"stories","message":"one"}"#;
const GOOD_2: &str = r#"{"timestamp":"2025-12-26T10:30:46Z","level":"error","logger":"shop.payments","message":"two"}"#;

#[test]
fn format_prints_each_event() {
    let output = barg(&["format"], &format!("{GOOD}\n{GOOD_2}\n"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "[INFO] 2025-12-26 10:30:45 stories | one\n[ERROR] 2025-12-26 10:30:46 shop.payments | two\n"
    );
}

#[test]
fn format_reports_bad_lines_and_keeps_the_rest() {
    let input = format!(
        "{GOOD}\nnot json\n\n{{\"level\":\"LOUD\",\"logger\":\"a\",\"message\":\"m\"}}\n{GOOD_2}\n"
    );
    let output = barg(&["format", "--format", "verbose"], &input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stdout(&output));
    let errors = stderr(&output);
    assert!(
        errors.contains("<stdin>:2: expected ident (column 2)"),
        "{errors}"
    );
    assert!(
        errors.contains("<stdin>:4: unknown level \"LOUD\""),
        "{errors}"
    );
    assert_eq!(errors.lines().count(), 2, "{errors}");
}

#[test]
fn format_route_and_sanitize_skip_a_line_over_the_limit_and_keep_the_rest() {
    // An event whose message alone is past the default limit (1 MiB).
    let long = format!(
        r#"{{"level":"INFO","logger":"a","message":"{}"}}"#,
        "x".repeat(1024 * 1024)
    );
    let input = format!("{GOOD}\n{long}\n{GOOD_2}\n");
    let limit = format!(
        "<stdin>:2: line of {} bytes is over the limit of 1048576 bytes (--max-line-bytes)",
        long.len()
    );
    for command in [&["format"][..], &["route"], &["sanitize"]] {
        let output = barg(command, &input);
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        assert_eq!(stdout(&output).lines().count(), 2, "{command:?}");
        assert_eq!(stderr(&output).trim_end(), limit, "{command:?}");
    }
    // The limit is an option; within it, the same line is an event.
    let output = barg(&["format", "--max-line-bytes", "2000000"], &input);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 3);
    // At 90 bytes, the first event (86) is taken and the last (93) is not.
    let output = barg(&["sanitize", "--max-line-bytes", "90"], &input);
    assert_eq!(stdout(&output).lines().count(), 1);
    assert!(
        stderr(&output).contains("<stdin>:3: line of 93 bytes is over the limit of 90 bytes"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn format_reports_invalid_utf8_with_its_line() {
    let mut input = format!("{GOOD}\n").into_bytes();
    input.extend_from_slice(b"{\"level\":\"INFO\",\"logger\":\"a\",\"message\":\"\xff\"}\n");
    input.extend_from_slice(format!("{GOOD_2}\n").as_bytes());
    let path = std::env::temp_dir().join(format!("barg-utf8-{}.ndjson", std::process::id()));
    std::fs::write(&path, input).unwrap();
    let output = barg(&["format", path.to_str().unwrap()], "");
    std::fs::remove_file(&path).ok();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output).lines().count(), 2);
    assert!(
        stderr(&output).contains(":2: not valid UTF-8: invalid byte at column 41"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn missing_file_is_an_io_error_and_other_files_still_run() {
    let output = barg(
        &["format", "no/such/file.ndjson", "examples/events.ndjson"],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no/such/file.ndjson"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).lines().count() > 300);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["format", "--format", "xml"][..],
        &["nonsense"],
        &["format", "--zone", "Mars"],
    ] {
        let output = barg(args, "");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).is_empty());
    }
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["format", "--help"],
        &["route", "--help"],
        &["help", "format"],
    ] {
        let output = barg(args, "");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(stdout(&output).contains("Usage: barg"), "{args:?}");
    }
}

#[test]
fn format_zone_option() {
    let output = barg(&["format", "--zone", "+03:30"], &format!("{GOOD}\n"));
    assert_eq!(
        stdout(&output),
        "[INFO] 2025-12-26 14:00:45 stories | one\n"
    );
    // A zone west of UTC, given as its own argument, as the help shows it.
    let output = barg(&["format", "--zone", "-05:00"], &format!("{GOOD}\n"));
    assert_eq!(
        stdout(&output),
        "[INFO] 2025-12-26 05:30:45 stories | one\n"
    );
}

#[test]
fn route_uses_the_environment_threshold() {
    let debug =
        r#"{"timestamp":"2025-12-26T10:30:45Z","level":"DEBUG","logger":"stories","message":"d"}"#;
    let analytics = r#"{"timestamp":"2025-12-26T10:30:45Z","level":"INFO","logger":"analytics","message":"a","extra_data":{"event_name":"e","event_category":"c"}}"#;
    let input = format!("{debug}\n{analytics}\n{GOOD_2}\n");
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[], "-\nanalytics.log\nderakht.log errors.log\n"),
        (
            &[("DEBUG", "1")],
            "derakht.log\nanalytics.log\nderakht.log errors.log\n",
        ),
        (
            &[("DJANGO_LOG_LEVEL", "error"), ("DEBUG", "1")],
            "-\n-\nderakht.log errors.log\n",
        ),
        (
            &[("DJANGO_LOG_LEVEL", "error"), ("BARG_LOG_LEVEL", "debug")],
            "derakht.log\nanalytics.log\nderakht.log errors.log\n",
        ),
    ];
    for (env, expected) in cases {
        let output = barg_env(&["route"], &input, env);
        assert_eq!(stdout(&output), expected, "{env:?}");
    }
    let output = barg_env(&["route"], &input, &[("BARG_LOG_LEVEL", "loud")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("BARG_LOG_LEVEL"),
        "{}",
        stderr(&output)
    );
}

/// A byte-order mark at the start of a file, as some editors write one, is
/// not part of its first event.
#[test]
fn a_byte_order_mark_at_the_start_is_skipped() {
    let input = format!("\u{feff}{GOOD}\n{GOOD_2}\n");
    for command in ["check", "format", "route", "sanitize"] {
        let output = barg(&[command], &input);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command}: {}",
            stderr(&output)
        );
    }
    let output = barg(&["format"], &format!("{GOOD}\n\u{feff}{GOOD_2}\n"));
    assert_eq!(output.status.code(), Some(1), "only at the start");
}

/// A line that is not an event is said in the schema's words, its column
/// counted from 1, and a timestamp by what is wrong with it.
#[test]
fn errors_name_what_is_wrong_in_the_events_words() {
    let output = barg(&["format"], "[]\n");
    assert_eq!(
        stderr(&output),
        "<stdin>:1: invalid type: sequence, expected an event object (column 1)\n"
    );
    let hour =
        r#"{"level":"INFO","logger":"core","message":"m","timestamp":"2025-12-26T24:00:00Z"}"#;
    let output = barg(&["check"], &format!("{hour}\n"));
    assert!(
        stdout(&output).ends_with(": time 24:00:00 does not exist\n"),
        "{}",
        stdout(&output)
    );
}

/// What the writer refuses, `route` sends where the writer sends it, and
/// says why; the lines around it are routed as ever.
#[test]
fn route_sends_what_the_writer_refuses_to_rejected_log() {
    let security = r#"{"level":"WARNING","logger":"security","message":"x","extra_data":{"event_type":"x","severity":"critical"}}"#;
    let analytics = r#"{"level":"INFO","logger":"analytics","message":"no payload"}"#;
    let duplicate = r#"{"level":"INFO","logger":"core","message":"m","extra_data":{"a":1,"a":2}}"#;
    let input = format!("{security}\n{GOOD_2}\n{analytics}\nnot json\n{duplicate}\n");
    let output = barg(&["route"], &input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "rejected.log\nderakht.log errors.log\nrejected.log\nrejected.log\nrejected.log\n"
    );
    let said = stderr(&output);
    for reason in [
        "<stdin>:1: rejected: /level: a security event of severity critical is logged at CRITICAL, not WARNING [level_mismatch]",
        "<stdin>:3: rejected: /extra_data/event_name: the field \"event_name\" is required [missing_field]",
        "<stdin>:4: rejected: not JSON: expected ident (column 2) [not_json]",
        "<stdin>:5: rejected: /extra_data/a: the key \"a\" appears more than once in the object [duplicate_key]",
    ] {
        assert!(said.contains(reason), "{reason} not in {said}");
    }
}

#[test]
fn closed_output_is_not_an_error() {
    // `barg format big | head -1` must not complain when head exits.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_barg"))
        .args([
            "format",
            "examples/events.ndjson",
            "examples/events.ndjson",
            "examples/events.ndjson",
        ])
        .current_dir(crate::util::root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}
