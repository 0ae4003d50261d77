//! The validator's vectors under `tests/vectors/check/`, in the toml-test
//! style: `valid/` holds events and the event each one normalises to,
//! `invalid/` holds inputs and every violation they must get. A vector's
//! `input` is the raw line (so malformed JSON can be written), or `input_hex`
//! its bytes; `config` is a `ValidatorConfig` (defaults when absent), `mode`
//! a shorthand for `config.mode`; `beyond_schema` names the rule of
//! `BEYOND_SCHEMA` that a JSON Schema validator cannot see (the ajv test
//! holds each such vector to it).

use barg::validate::schema::BEYOND_SCHEMA;
use barg::{Code, Validator};
use serde_json::Value;

use crate::util::{Vector, barg, blessing, received, stdout, vectors, write_vector};

use crate::common::check_case as run;
pub use crate::common::input_bytes;

fn check_group(group: &str, valid: bool) {
    let mut failures = Vec::new();
    for Vector {
        name,
        path,
        mut doc,
    } in vectors(&format!("check/{group}"))
    {
        let (verdict, got) = run(&doc);
        if verdict.is_valid() != valid {
            failures.push(format!(
                "{name}: in {group}/ but the validator says {}: {}",
                if verdict.is_valid() {
                    "valid"
                } else {
                    "invalid"
                },
                got["violations"]
            ));
        }
        assert_eq!(
            verdict.event.is_some(),
            verdict.is_valid(),
            "{name}: an event exactly when valid"
        );
        if let Some(rule) = doc.get("beyond_schema").and_then(Value::as_str) {
            assert!(
                BEYOND_SCHEMA.iter().any(|(known, _)| *known == rule),
                "{name}: beyond_schema {rule:?} is not a rule of BEYOND_SCHEMA"
            );
        }
        if blessing() {
            doc["expect"] = got;
            write_vector(&path, &doc);
        } else if doc["expect"] != got {
            failures.push(format!(
                "{name}:\n  expected {}\n  got      {got}",
                doc["expect"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_vectors() {
    check_group("valid", true);
}

#[test]
fn invalid_vectors() {
    check_group("invalid", false);
}

#[test]
fn every_code_has_a_vector() {
    let mut seen = std::collections::BTreeSet::new();
    for vector in vectors("check/invalid") {
        let (verdict, _) = run(&vector.doc);
        seen.extend(verdict.violations.iter().map(|v| v.code));
    }
    let missing: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an invalid vector: {missing:?}"
    );
}

#[test]
fn the_examples_are_valid_and_normalise_to_themselves() {
    let text = std::fs::read_to_string(crate::util::root().join("examples/events.ndjson"))
        .expect("examples");
    let validator = Validator::default();
    for (number, line) in text.lines().enumerate() {
        let verdict = validator.check(line.as_bytes(), received());
        assert!(
            verdict.is_valid(),
            "line {}: {:?}",
            number + 1,
            verdict.violations
        );
        let event = verdict.event.expect("an event");
        assert_eq!(serde_json::to_string(&event).expect("json"), line);
    }
}

#[test]
fn read_value_reads_any_json_as_an_event_is_read() {
    let validator = Validator::default();
    // Read whole: serde_json's value, an event or not.
    for vector in vectors("check/valid") {
        if vector.doc.get("config").is_some() {
            continue;
        }
        let bytes = input_bytes(&vector.doc);
        let value: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(validator.read_value(&bytes), Ok(value), "{}", vector.name);
    }
    assert_eq!(
        validator.read_value(br#"[1,"a",null]"#),
        Ok(serde_json::json!([1, "a", null]))
    );
    // What the reading of an event finds, with its pointer.
    let found = |input: &str| -> Vec<(String, Code)> {
        let violations = validator.read_value(input.as_bytes()).expect_err(input);
        violations
            .into_iter()
            .map(|v| (v.pointer, v.code))
            .collect()
    };
    let at = |pointer: &str, code| vec![(pointer.to_owned(), code)];
    assert_eq!(
        found(r#"{"a":{"b":1,"b":2}}"#),
        at("/a/b", Code::DuplicateKey)
    );
    assert_eq!(
        found(r#"[1,{"x":1,"x":1}]"#),
        at("/1/x", Code::DuplicateKey)
    );
    assert_eq!(found("{not json"), at("", Code::NotJson));
    assert_eq!(found("1 2"), at("", Code::TrailingGarbage));
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    // The array at depth 33, past max_depth (32), is the 33rd.
    assert_eq!(found(&deep), at(&"/0".repeat(32), Code::LimitExceeded));
}

#[test]
fn validator_agrees_with_the_strict_parse_on_valid_events() {
    // Every valid vector is also an event to `Event::from_json`, and the same.
    for vector in vectors("check/valid") {
        if vector.doc.get("mode").is_some() {
            continue;
        }
        let (verdict, _) = run(&vector.doc);
        let text = String::from_utf8(input_bytes(&vector.doc)).expect("utf-8");
        let parsed = barg::Event::from_json(&text, received()).expect("from_json reads it");
        assert_eq!(verdict.event, Some(parsed), "{}", vector.name);
    }
}

#[test]
fn check_command_prints_line_pointer_message() {
    let input = "{\"level\":\"INFO\",\"logger\":\"core\",\"message\":\"m\"}\n\nnot json\n{\"level\":\"LOUD\",\"logger\":\"a..b\",\"message\":\"m\"}\n";
    let output = barg(&["check"], input);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("3: not JSON: expected ident (column 2)"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("4: /level: unknown level \"LOUD\""),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with("4: /logger: logger name \"a..b\""),
        "{lines:?}"
    );
}

#[test]
fn check_command_json_and_lenient() {
    let input = "{\"level\":\"INFO\",\"logger\":\"core\",\"message\":\"m\",\"host\":\"h\"}\n";
    let strict = barg(&["check", "--json"], input);
    assert_eq!(strict.status.code(), Some(1));
    let report: Value = serde_json::from_str(stdout(&strict).trim()).expect("one JSON object");
    assert_eq!(report["line"], 1);
    assert_eq!(report["pointer"], "/host");
    assert_eq!(report["code"], "unknown_field");
    assert_eq!(report["severity"], "error");
    let lenient = barg(&["check", "--json", "--lenient"], input);
    assert_eq!(lenient.status.code(), Some(0));
    let report: Value = serde_json::from_str(stdout(&lenient).trim()).expect("one JSON object");
    assert_eq!(report["severity"], "warning");
    let valid = barg(
        &["check"],
        "{\"level\":\"INFO\",\"logger\":\"core\",\"message\":\"m\"}\n",
    );
    assert_eq!(valid.status.code(), Some(0));
    assert_eq!(stdout(&valid), "");
}

#[test]
fn check_command_reports_a_long_line_without_holding_it() {
    // 1 MiB on one line, then a valid event: the long line is one limit
    // violation with its true size, the next line is still read.
    let long = format!("{{\"message\":\"{}\"}}", "x".repeat(1 << 20));
    let input = format!("{long}\n{{\"level\":\"INFO\",\"logger\":\"core\",\"message\":\"m\"}}\n");
    let output = barg(&["check", "--json"], &input);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let reports: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(reports.len(), 1, "{text}");
    assert_eq!(reports[0]["line"], 1);
    assert_eq!(reports[0]["code"], "limit_exceeded");
    let size = long.len();
    assert!(
        reports[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("{size} bytes"))),
        "{text}"
    );
}

#[test]
fn check_command_names_files_and_fails_on_missing_ones() {
    let output = barg(
        &["check", "examples/events.ndjson", "no/such/file.ndjson"],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
}

#[test]
fn check_command_keeps_one_violation_per_line() {
    // A key with a line break and an escape sequence: the pointer is quoted
    // from the input, and still printed on one line.
    let input =
        "{\"level\":\"INFO\",\"logger\":\"core\",\"message\":\"m\",\"a\\nb\\u001b[31m\":1}\n";
    let output = barg(&["check"], input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).starts_with("1: /a\\nb\\x1b[31m: unknown field"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn validator_agrees_with_the_strict_parse_on_the_format_vectors() {
    // The format vectors were written for `Event::from_json`; the validator
    // gives every one of them the same verdict, and the same event.
    for vector in vectors("format") {
        let line = crate::util::input_line(&vector.doc);
        let verdict = Validator::default().check(line.as_bytes(), received());
        let parsed = barg::Event::from_json(&line, received());
        assert_eq!(
            verdict.is_valid(),
            parsed.is_ok(),
            "{}: {:?}",
            vector.name,
            verdict.violations
        );
        assert_eq!(verdict.event, parsed.ok(), "{}", vector.name);
    }
}

#[test]
fn violations_of_one_input_are_bounded() {
    // Thirty levels of long keys, then thousands of duplicate keys: each
    // violation's pointer repeats every key above it, so listing them all
    // would cost the square of the input. The first hundred are listed,
    // and one more says that there are more.
    let key = "k".repeat(1000);
    let mut input = String::from(r#"{"level":"INFO","logger":"core","message":"m","extra_data":"#);
    for _ in 0..30 {
        input.push_str(&format!("{{\"{key}\":"));
    }
    input.push('{');
    input.push_str(&r#""a":1,"#.repeat(4000));
    input.push_str(r#""a":1}"#);
    input.push_str(&"}".repeat(31));
    assert!(input.len() < 64 * 1024);
    let verdict = Validator::default().check(input.as_bytes(), received());
    assert_eq!(verdict.violations.len(), barg::validate::MAX_VIOLATIONS + 1);
    assert!(
        verdict.violations[..barg::validate::MAX_VIOLATIONS]
            .iter()
            .all(|v| v.code == Code::DuplicateKey && v.pointer.ends_with("/a"))
    );
    let last = verdict.violations.last().expect("the last violation");
    assert_eq!(
        (last.pointer.as_str(), last.code),
        ("", Code::LimitExceeded)
    );
    assert_eq!(
        last.message,
        "more than 100 violations: only the first 100 are listed"
    );
    // Any value is read within the same bound.
    let data = &input[input.find(r#""extra_data":"#).expect("data") + 13..input.len() - 1];
    let violations = Validator::default()
        .read_value(data.as_bytes())
        .expect_err("duplicates");
    assert_eq!(violations.len(), barg::validate::MAX_VIOLATIONS + 1);
    assert_eq!(violations.last(), Some(last));
}
