//! Vector cases shared by every runtime: the native tests read the vector
//! files from disk, the wasm tests (Node and Chromium) embed them, and both
//! call these functions, so every runtime is held to the same expectations.

use barg::timestamp::{Offset, parse_offset};
use barg::{
    Event, Format, Formatter, Parts, Pipeline, Sanitizer, SanitizerConfig, Timestamp, Validator,
    ValidatorConfig, Verdict, Violation,
};
use serde_json::{Map, Value, json};

/// The time of receipt that vectors assume for events without a timestamp.
pub fn received() -> Timestamp {
    Timestamp::from_unix_micros(1_766_707_200_000_000).unwrap_or(Timestamp::EPOCH)
}

/// The vector's `input` as the line a producer would send: a string is taken
/// as it is, anything else is written as compact JSON.
pub fn input_line(doc: &Value) -> String {
    match &doc["input"] {
        Value::String(raw) => raw.clone(),
        other => other.to_string(),
    }
}

/// What a format vector produces: each format's line, or the error.
pub fn format_case(doc: &Value) -> Value {
    let zone = match doc["zone"].as_str() {
        Some(zone) => match parse_offset(zone) {
            Ok(zone) => zone,
            Err(error) => return json!({ "error": error }),
        },
        None => Offset::UTC,
    };
    match Event::from_json(&input_line(doc), received()) {
        Ok(event) => {
            let mut lines = Map::new();
            for format in Format::ALL {
                let line = Formatter::new(format).in_zone(zone).format(&event);
                lines.insert(format.name().to_owned(), Value::String(line));
            }
            Value::Object(lines)
        }
        Err(error) => json!({ "error": error.to_string() }),
    }
}

/// The bytes a vector feeds the validator.
pub fn input_bytes(doc: &Value) -> Vec<u8> {
    if let Some(hex) = doc["input_hex"].as_str() {
        return (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("input_hex is hex"))
            .collect();
    }
    doc["input"]
        .as_str()
        .expect("input is a raw string")
        .as_bytes()
        .to_vec()
}

fn config(doc: &Value) -> ValidatorConfig {
    let mut config: Value = doc.get("config").cloned().unwrap_or_else(|| json!({}));
    if let Some(mode) = doc.get("mode") {
        config["mode"] = mode.clone();
    }
    serde_json::from_value(config).expect("vector config is a ValidatorConfig")
}

fn violations(list: &[Violation]) -> Value {
    list.iter()
        .map(|v| json!({ "pointer": v.pointer, "code": v.code, "message": v.message }))
        .collect()
}

/// What one validator vector produces: the verdict, and the event (or
/// none) with the violations and warnings as the vector writes them.
pub fn check_case(doc: &Value) -> (Verdict, Value) {
    let validator = Validator::new(config(doc));
    let input = input_bytes(doc);
    let verdict = validator.check(&input, received());
    // The check that defers building `extra_data` says the same.
    match validator.check_deferred(&input, received()) {
        Ok(checked) => {
            let mut without_data = verdict.event.clone().expect("valid in both");
            without_data.extra_data.clear();
            assert_eq!(checked.event, without_data);
            assert_eq!(Some(checked.into_event()), verdict.event);
        }
        Err(invalid) => {
            assert_eq!(verdict.event, None);
            assert_eq!(invalid.violations, verdict.violations);
            assert_eq!(invalid.warnings, verdict.warnings);
        }
    }
    assert_pipeline_agrees(&validator, &Sanitizer::default(), &input);
    let got = json!({
        "event": verdict.event.as_ref().map(|e| serde_json::to_value(e).expect("json")),
        "violations": violations(&verdict.violations),
        "warnings": violations(&verdict.warnings),
    });
    (verdict, got)
}

/// What one sanitizer vector produces: the sanitized event (or value) and
/// the report, or the error that the input is not an event.
pub fn sanitize_case(doc: &Value) -> Value {
    let config: SanitizerConfig =
        serde_json::from_value(doc.get("config").cloned().unwrap_or(json!({})))
            .expect("valid config");
    let sanitizer = Sanitizer::new(&config).expect("usable config");
    if doc["value"] == true {
        let mut value = doc["input"].clone();
        let report = sanitizer.sanitize_value(&mut value);
        return json!({ "value": value, "redactions": report.redactions });
    }
    let line = input_line(doc);
    assert_pipeline_agrees(&Validator::default(), &sanitizer, line.as_bytes());
    match Event::from_json(&line, received()) {
        Ok(mut event) => {
            let mut parted = event.clone();
            let report = sanitizer.sanitize(&mut event);
            // In two parts, text fields then data, the same event and report.
            let mut redactions = sanitizer
                .sanitize_parts(&mut parted, Parts::Text)
                .redactions;
            redactions.extend(
                sanitizer
                    .sanitize_parts(&mut parted, Parts::Data)
                    .redactions,
            );
            assert_eq!(parted, event, "sanitized in parts");
            assert_eq!(redactions, report.redactions, "reported in parts");
            json!({ "event": event, "redactions": report.redactions })
        }
        Err(error) => json!({ "error": error.to_string() }),
    }
}

/// Holds [`Pipeline::prepare`] in every format to what validating,
/// sanitizing and formatting `input` one after the other give: the same
/// line, report and warnings, or the same violations.
pub fn assert_pipeline_agrees(validator: &Validator, sanitizer: &Sanitizer, input: &[u8]) {
    let verdict = validator.check(input, received());
    let sanitized = verdict.event.clone().map(|mut event| {
        let report = sanitizer.sanitize(&mut event);
        (event, report)
    });
    for format in Format::ALL {
        let formatter = Formatter::new(format);
        let pipeline = Pipeline::new(validator.clone(), sanitizer.clone(), formatter);
        match (pipeline.prepare(input, received()), &sanitized) {
            (Ok(prepared), Some((event, report))) => {
                assert_eq!(prepared.line, formatter.format(event), "{format:?} line");
                assert_eq!(&prepared.report, report, "{format:?} report");
                assert_eq!(prepared.warnings, verdict.warnings, "{format:?} warnings");
            }
            (Err(invalid), None) => {
                assert_eq!(
                    invalid.violations, verdict.violations,
                    "{format:?} violations"
                );
                assert_eq!(invalid.warnings, verdict.warnings, "{format:?} warnings");
            }
            (got, _) => panic!("{format:?}: the pipeline gives {got:?}, the steps {verdict:?}"),
        }
    }
}
