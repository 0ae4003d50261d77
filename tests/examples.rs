//! The bundled example day: reproducible, and formatted as reviewed.

use barg::{Event, Format, Formatter, Kind};

use crate::util::{received, root};

#[path = "../examples/day.rs"]
mod day;

fn committed() -> String {
    std::fs::read_to_string(root().join("examples/events.ndjson")).expect("examples exist")
}

fn read(text: &str) -> Vec<Event> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            Event::from_json(line, received()).unwrap_or_else(|e| panic!("line {}: {e}", i + 1))
        })
        .collect()
}

#[test]
fn committed_examples_are_what_the_generator_makes() {
    let formatter = Formatter::new(Format::Json);
    let fresh: String = day::events()
        .iter()
        .map(|event| formatter.format(event) + "\n")
        .collect();
    assert!(
        fresh == committed(),
        "examples/events.ndjson is stale: run `cargo run --example day > examples/events.ndjson`"
    );
}

#[test]
fn json_format_reproduces_its_input() {
    let text = committed();
    let formatter = Formatter::new(Format::Json);
    for (event, line) in read(&text).iter().zip(text.lines()) {
        assert_eq!(formatter.format(event), line);
    }
}

#[test]
fn examples_cover_every_kind_and_are_a_few_hundred() {
    let events = read(&committed());
    assert!(
        (300..1000).contains(&events.len()),
        "{} events",
        events.len()
    );
    let kinds: std::collections::HashSet<Kind> =
        events.iter().map(|e| Kind::of(&e.logger)).collect();
    for kind in [
        Kind::Log,
        Kind::Analytics,
        Kind::Audit,
        Kind::Security,
        Kind::Operation,
        Kind::SlowRequest,
        Kind::DbStats,
        Kind::HttpRequest,
        Kind::ApiError,
    ] {
        assert!(kinds.contains(&kind), "no {kind:?} event in the examples");
    }
    for area in ["stories", "shop.payments", "users", "blog"] {
        assert!(
            events.iter().any(|e| e.logger.is_within(area)),
            "no {area} event in the examples"
        );
    }
}

#[test]
fn snapshot_simple() {
    snapshot(Format::Simple);
}

#[test]
fn snapshot_verbose() {
    snapshot(Format::Verbose);
}

fn snapshot(format: Format) {
    let formatter = Formatter::new(format);
    let lines: Vec<String> = read(&committed())
        .iter()
        .map(|e| formatter.format(e))
        .collect();
    insta::assert_snapshot!(format!("examples_{format}"), lines.join("\n"));
}
