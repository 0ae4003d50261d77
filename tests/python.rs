//! CPython parity: for printable text, the text formats are byte for byte
//! what CPython's `logging.Formatter` prints, on thousands of generated
//! records, not only on strings written by hand.

use std::io::Write;
use std::process::{Command, Stdio};

use barg::format::escape;
use barg::{Event, Format, Formatter};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use crate::properties::any_event;
use crate::util::root;

const RECORDS: usize = 4000;

/// Runs the reference script over `records`, one JSON object back per record.
fn cpython(records: &[Value]) -> Vec<Value> {
    let mut child = Command::new("python3")
        .arg(root().join("tests/python/reference_format.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs: it is the reference implementation");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: String = records.iter().map(|r| r.to_string() + "\n").collect();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("python3 finishes");
    feeder.join().expect("fed").expect("written");
    assert!(output.status.success(), "reference script failed");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("json"))
        .collect()
}

/// Generated events with every source field present: Python always has one.
fn generated() -> Vec<Event> {
    let mut runner = TestRunner::new(Config {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20251226),
        ..Config::default()
    });
    let strategy = any_event().prop_map(|mut event| {
        event.module.get_or_insert_with(|| "views".to_owned());
        event
            .function
            .get_or_insert_with(|| "start_story".to_owned());
        event.line.get_or_insert(122);
        event
    });
    (0..RECORDS)
        .map(|_| strategy.new_tree(&mut runner).expect("a value").current())
        .collect()
}

#[test]
fn text_formats_match_cpython() {
    let events = generated();
    let records: Vec<Value> = events
        .iter()
        .map(|e| record(e, |text| text.to_owned()))
        .collect();
    let reference = cpython(&records);
    assert_eq!(reference.len(), events.len());

    let mut compared = 0;
    for (event, python) in events.iter().zip(&reference) {
        if python["printable"] != true {
            continue;
        }
        compared += 1;
        assert_lines_are(event, python);
    }
    // The generator must keep producing mostly comparable records, or the
    // test would pass while checking little.
    assert!(
        compared * 3 > RECORDS,
        "only {compared} of {RECORDS} records were printable"
    );
}

/// barg's simple and verbose lines for `event` are CPython's `python` ones.
fn assert_lines_are(event: &Event, python: &Value) {
    for format in [Format::Simple, Format::Verbose] {
        assert_eq!(
            Formatter::new(format).format(event),
            python[format.name()].as_str().expect("str"),
            "{format} {event:?}"
        );
    }
}

#[test]
fn escapes_are_the_only_difference_from_cpython() {
    // For any text, printable or not, barg's line is CPython's line for the
    // same record with its text fields escaped as barg escapes them.
    let events = generated();
    let records: Vec<Value> = events.iter().map(|e| record(e, escape)).collect();
    let reference = cpython(&records);
    assert_eq!(reference.len(), events.len());
    for (event, python) in events.iter().zip(&reference) {
        assert_lines_are(event, python);
    }
}

/// The reference script's record of an event, its text fields passed
/// through `text`.
fn record(event: &Event, text: impl Fn(&str) -> String) -> Value {
    json!({
        "seconds": event.timestamp.unix_micros().div_euclid(1_000_000),
        "level": event.level.number(),
        "logger": event.logger.as_str(),
        "message": text(&event.message),
        "module": event.module.as_deref().map(&text),
        "function": event.function.as_deref().map(&text),
        "line": event.line,
    })
}
