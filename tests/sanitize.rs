//! The sanitizer: the vectors under `tests/vectors/sanitize/`, its
//! configuration errors, its limits and the `barg sanitize` command.

use std::time::{Duration, Instant};

use barg::{
    ConfigError, Event, Format, Formatter, Pipeline, Rule, Sanitizer, SanitizerConfig, Validator,
};
use serde_json::{Value, json};

use crate::util::{barg, check_vectors, received, stderr, stdout, vectors};

fn sanitizer(config: Value) -> Sanitizer {
    let config: SanitizerConfig = serde_json::from_value(config).expect("valid config");
    Sanitizer::new(&config).expect("usable config")
}

use crate::common::sanitize_case as run;

#[test]
fn sanitize_vectors() {
    check_vectors("sanitize", run);
}

/// The pipeline sanitizes in the validator's tree, with a fast path for
/// clean data: a boolean under a sensitive key is kept there too, and the
/// string beside it is not.
#[test]
fn booleans_under_sensitive_keys_are_kept_by_the_pipeline() {
    let input = br#"{"level":"INFO","logger":"a","message":"m","extra_data":{"token_expired":true,"cookies_enabled":false,"password":"x"}}"#;
    let pipeline = Pipeline::new(
        Validator::default(),
        Sanitizer::default(),
        Formatter::new(Format::Json),
    );
    let line = pipeline.prepare(input, received()).expect("valid").line;
    assert!(
        line.ends_with(
            r#""extra_data":{"token_expired":true,"cookies_enabled":false,"password":"[REDACTED]"}}"#
        ),
        "{line}"
    );
    let clean =
        br#"{"level":"INFO","logger":"a","message":"m","extra_data":{"token_expired":true}}"#;
    let prepared = pipeline.prepare(clean, received()).expect("valid");
    assert!(prepared.report.redactions.is_empty());
    assert!(
        prepared
            .line
            .ends_with(r#""extra_data":{"token_expired":true}}"#)
    );
}

/// Every vector's output holds no string that its input marked secret: the
/// expectations themselves are checked, so a bad bless cannot hide a leak.
#[test]
fn vector_expectations_hold_no_secret() {
    let secrets = [
        "4111 1111 1111 1111",
        "4111111111111111",
        "6037991234567893",
        "۶۰۳۷-۹۹۱۲-۳۴۵۶-۷۸۹۳",
        "5022-2912-3456-7897",
        "hunter2",
        "s3cr%40t",
        "abc123def456",
        "dXNlcjpwYXNz",
        "AKIAIOSFODNN7EXAMPLE",
        "MIIEowIBAAKCAQEA0Z3VS5JJ",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        "k_live_51H8",
        "6f1ed002ab55",
        "ya29.a0Af",
        "k-123",
        "IR82 0540 1026 8002 0817 9090 02",
        "DE89370400440532013000",
        "0012345678",
        "5.160.1.2",
        "16C7e42F292c6912E7710c838347Ae178B4a",
        "2837461-1029384756-AbCdEfGh",
        "4eC39HqLyjWDarjtT1zdp7dc",
        "AbCdEf0123456789_xyzXYZ",
        "SyA-1234567890abcdefghijklmnopqrstu",
        "ya1b2c3d4e5f",
        "hunt3r",
        "r3s3t-99",
    ];
    for vector in vectors("sanitize") {
        let expect = vector.doc["expect"].to_string();
        for secret in secrets {
            assert!(
                !expect.contains(secret),
                "{}: the expectation holds {secret:?}",
                vector.name
            );
        }
    }
}

#[test]
fn configuration_errors_name_what_is_wrong() {
    let cases = [
        (json!({"extra_key": ["x"]}), "unknown field `extra_key`"),
        (
            json!({"limits": {"max_deep": 3}}),
            "unknown field `max_deep`",
        ),
        (
            json!({"card_display": "first6"}),
            "unknown variant `first6`",
        ),
    ];
    for (config, message) in cases {
        let error = serde_json::from_value::<SanitizerConfig>(config.clone())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains(message), "{config}: {error}");
    }
    let cases = [
        (
            json!({"disabled_rules": ["jwt", "credit_card"]}),
            "unknown rule \"credit_card\" in disabled_rules (rules: sensitive_key, card_number, jwt, auth_credentials, url_password, secret_parameter, private_key, aws_access_key_id, service_token, iban, email)",
        ),
        (
            json!({"extra_keys": ["--"]}),
            "bad key pattern \"--\" in extra_keys: it has no letters or digits",
        ),
        (
            json!({"allowed_keys": ["x".repeat(65)]}),
            "it is longer than 64 bytes",
        ),
        (
            json!({"extra_keys": ["national_id"], "allowed_keys": ["NationalId"]}),
            "key \"national_id\" is in both extra_keys and allowed_keys",
        ),
        (json!({"replacement": ""}), "replacement is empty"),
        (
            json!({"limits": {"max_depth": 0}}),
            "limit max_depth must be at least 1",
        ),
    ];
    for (config, message) in cases {
        let config: SanitizerConfig = serde_json::from_value(config).expect("parses");
        let error = Sanitizer::new(&config).err().map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains(message)),
            "{config:?}: {error:?}"
        );
    }
    let config: SanitizerConfig =
        serde_json::from_value(json!({"disabled_rules": ["nope"]})).expect("parses");
    assert!(matches!(
        Sanitizer::new(&config),
        Err(ConfigError::UnknownRule { name, .. }) if name == "nope"
    ));
}

#[test]
fn disabled_rules_stop_firing() {
    let sanitizer = sanitizer(json!({"disabled_rules": ["card_number", "sensitive_key"]}));
    let mut value = json!({"password": "p", "note": "4111111111111111 token=abc123"});
    let report = sanitizer.sanitize_value(&mut value);
    assert_eq!(
        value,
        json!({"password": "p", "note": "4111111111111111 token=[REDACTED]"})
    );
    assert_eq!(report.count(Rule::SecretParameter), 1);
    assert_eq!(report.redactions.len(), 1);
}

#[test]
fn replacement_is_configurable() {
    let sanitizer = sanitizer(json!({"replacement": "***"}));
    let mut value = json!({"token": "t", "m": "Bearer abc123def456"});
    sanitizer.sanitize_value(&mut value);
    assert_eq!(value, json!({"token": "***", "m": "Bearer ***"}));
}

/// Builds nested arrays `depth` deep around `leaf`, without recursion.
fn nested(depth: usize, leaf: Value) -> Value {
    let mut value = leaf;
    for _ in 0..depth {
        value = Value::Array(vec![value]);
    }
    value
}

#[test]
fn very_deep_values_are_cut_without_overflowing_the_stack() {
    // Far deeper than serde_json parses: only a program can build this, and
    // neither the walk nor dropping the cut-off part may recurse.
    let mut value = nested(200_000, json!("card 4111111111111111"));
    let report = Sanitizer::default().sanitize_value(&mut value);
    assert_eq!(report.redactions.len(), 1);
    assert_eq!(report.redactions[0].rule, Rule::DepthLimit);
    assert_eq!(report.redactions[0].path, "/0".repeat(64));
    let mut depth = 0;
    let mut at = &value;
    while let Value::Array(items) = at {
        depth += 1;
        at = &items[0];
    }
    assert_eq!(depth, 64);
    assert_eq!(at, &json!("[REDACTED]"));
}

#[test]
fn depth_limit_is_configurable_and_counts_from_extra_data() {
    let sanitizer = sanitizer(json!({"limits": {"max_depth": 2}}));
    let line = r#"{"level":"INFO","logger":"a","message":"m","extra_data":{"a":{"b":{"c":1}},"d":{"e":2}}}"#;
    let mut event = Event::from_json(line, received()).expect("event");
    let report = sanitizer.sanitize(&mut event);
    assert_eq!(
        Value::Object(event.extra_data),
        json!({"a": {"b": "[REDACTED]"}, "d": {"e": 2}})
    );
    assert_eq!(report.redactions[0].path, "/extra_data/a/b");
    assert_eq!(report.redactions[0].rule, Rule::DepthLimit);
}

#[test]
fn node_limit_replaces_what_it_cannot_visit() {
    let sanitizer = sanitizer(json!({"limits": {"max_nodes": 5}}));
    let mut value = json!({"a": [1, 2], "b": ["4111111111111111", 4, 5, 6]});
    let report = sanitizer.sanitize_value(&mut value);
    assert_eq!(value, json!({"a": [1, 2], "b": "[REDACTED]"}));
    assert_eq!(report.redactions[0].path, "/b");
    assert_eq!(report.redactions[0].rule, Rule::SizeLimit);
}

#[test]
fn long_strings_are_replaced_whole() {
    let sanitizer = sanitizer(json!({"limits": {"max_string_bytes": 16}}));
    let mut value = json!({"short": "fine", "long": "x".repeat(17)});
    let report = sanitizer.sanitize_value(&mut value);
    assert_eq!(value, json!({"short": "fine", "long": "[REDACTED]"}));
    assert_eq!(report.count(Rule::SizeLimit), 1);
}

#[test]
fn clashing_redacted_keys_keep_every_entry() {
    let mut value = json!({"4111111111111111": 1, "5555555555554444": 2, "[REDACTED]": 3});
    let report = Sanitizer::default().sanitize_value(&mut value);
    let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["[REDACTED]#2", "[REDACTED]#3", "[REDACTED]"]);
    assert_eq!(report.count(Rule::CardNumber), 2);
}

#[test]
fn a_secret_in_the_logger_name_is_replaced() {
    let line = r#"{"level":"INFO","logger":"pay.4111111111111111","message":"m"}"#;
    let mut event = Event::from_json(line, received()).expect("event");
    let report = Sanitizer::default().sanitize(&mut event);
    assert_eq!(event.logger.as_str(), "redacted");
    assert_eq!(report.redactions[0].path, "/logger");
}

#[test]
fn json_pointers_escape_slash_and_tilde() {
    let mut value = json!({"a/b": {"c~d": {"password": "x"}}});
    let report = Sanitizer::default().sanitize_value(&mut value);
    assert_eq!(report.redactions[0].path, "/a~1b/c~0d/password");
}

/// Hostile strings of 1 MiB for each scanner's worst case. A quadratic
/// scanner would take hours on these; linear ones take milliseconds, and the
/// bound leaves room for a slow debug build on a busy machine.
#[test]
fn hostile_strings_take_linear_time() {
    let sanitizer =
        sanitizer(json!({"mask_emails": true, "limits": {"max_string_bytes": 1 << 22}}));
    let size = 1 << 20;
    let patterns = [
        "4 ",
        "4",
        "eyJ",
        "eyJ.",
        "a.",
        "Bearer ",
        "https://a:",
        "://",
        "@",
        "a@",
        "-----BEGIN ",
        "-----BEGIN PRIVATE KEY-----",
        "AKIA",
        "IR82",
        "IR82 ",
        "password=",
        "a=",
        "?token=a#",
        "token%3Da%26",
        "token%253Da%2526",
        "token\\u003da",
        "%3D",
        "\\u003d",
        "%253Dghp_",
        "sk-",
        "xoxb-sk-",
        "github_pat_-",
        ":",
        "\\\"",
        "۴",
        "x",
    ];
    for pattern in patterns {
        let text = pattern.repeat(size / pattern.len());
        let started = Instant::now();
        let _ = sanitizer.sanitize_text(&text);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "{pattern:?} x {}: {took:?}",
            size / pattern.len()
        );
    }
}

#[test]
fn large_key_lists_compile_in_linear_time() {
    // Every extra key is looked for among the allowed ones: in a list, the
    // product of their lengths.
    let keys = |prefix: &str| (0..300_000).map(|i| format!("{prefix}{i}")).collect();
    let config = SanitizerConfig {
        extra_keys: keys("extra"),
        allowed_keys: keys("allowed"),
        ..SanitizerConfig::default()
    };
    let started = Instant::now();
    assert!(Sanitizer::new(&config).is_ok());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn wide_values_are_walked_without_recursion() {
    // 30 000 objects of two entries: 90 001 values, within the default
    // limit of 100 000.
    let items: Vec<Value> = (0..30_000).map(|i| json!({"pin": i, "v": "ok"})).collect();
    let mut value = Value::Array(items);
    let report = Sanitizer::default().sanitize_value(&mut value);
    assert_eq!(report.count(Rule::SensitiveKey), 30_000);
    assert_eq!(report.redactions.len(), 30_000);
    assert_eq!(value[29_999], json!({"pin": "[REDACTED]", "v": "ok"}));
}

#[test]
fn the_paths_of_a_report_are_bounded() {
    // Sixty levels of long keys, then thousands of sensitive keys: each
    // path repeats every key above it, so listing them all would cost the
    // square of the value (70 kB of JSON, 150 MB of paths). Every one is
    // still redacted; past MAX_REPORT_PATH_BYTES they are only counted.
    let key = "k".repeat(500);
    let mut value = json!({});
    let leaves = value.as_object_mut().expect("an object");
    for i in 0..5_000 {
        leaves.insert(format!("pwd{i}"), json!(1));
    }
    for _ in 0..60 {
        value = json!({ key.clone(): value });
    }
    let report = Sanitizer::default().sanitize_value(&mut value);
    let listed: usize = report.redactions.iter().map(|r| r.path.len()).sum();
    assert!(listed <= barg::sanitize::MAX_REPORT_PATH_BYTES, "{listed}");
    assert_eq!(report.redactions.len() + report.unlisted, 5_000);
    let mut leaves = &value;
    for _ in 0..60 {
        leaves = &leaves[&key];
    }
    assert!(
        leaves
            .as_object()
            .expect("an object")
            .values()
            .all(|v| v == "[REDACTED]")
    );
}

const LINE: &str = r#"{"timestamp":"2025-12-26T10:30:45Z","level":"ERROR","logger":"api","message":"declined 4111 1111 1111 1111","extra_data":{"request_data":{"password":"hunter2","card_token":"tok_1"}}}"#;

#[test]
fn cli_sanitize_prints_json_lines() {
    let output = barg(&["sanitize"], &format!("{LINE}\nnot json\n{LINE}\n"));
    assert_eq!(output.status.code(), Some(1));
    let expected = r#"{"timestamp":"2025-12-26T10:30:45.000000Z","level":"ERROR","logger":"api","message":"declined [REDACTED]","extra_data":{"request_data":{"password":"[REDACTED]","card_token":"[REDACTED]"}}}"#;
    assert_eq!(stdout(&output), format!("{expected}\n{expected}\n"));
    assert_eq!(
        stderr(&output),
        "<stdin>:2: expected ident (column 2)\n",
        "bad lines are reported with their number"
    );
}

#[test]
fn cli_sanitize_report_lists_paths_and_rules() {
    let output = barg(&["sanitize", "--report"], &format!("{LINE}\n"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line: Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON line");
    assert_eq!(
        line["redactions"],
        json!([
            {"path": "/message", "rule": "card_number"},
            {"path": "/extra_data/request_data/password", "rule": "sensitive_key"},
            {"path": "/extra_data/request_data/card_token", "rule": "sensitive_key"},
        ])
    );
    assert_eq!(line["event"]["message"], "declined [REDACTED]");
}

#[test]
fn cli_sanitize_reads_toml_and_json_configs() {
    let dir = std::env::temp_dir().join(format!("barg-sanitize-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let toml = dir.join("sanitizer.toml");
    std::fs::write(
        &toml,
        "card_display = \"last4\"\nallowed_keys = [\"card_token\"]\n[limits]\nmax_depth = 8\n",
    )
    .expect("write");
    let json_config = dir.join("sanitizer.json");
    std::fs::write(&json_config, r#"{"replacement": "<secret>"}"#).expect("write");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "disabled_rules = [\"credit_card\"]\n").expect("write");
    let unknown = dir.join("unknown.json");
    std::fs::write(&unknown, r#"{"mask_email": true}"#).expect("write");

    let output = barg(
        &["sanitize", "--config", toml.to_str().expect("utf-8")],
        LINE,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line: Value = serde_json::from_str(stdout(&output).trim()).expect("json");
    assert_eq!(line["message"], "declined [CARD ****1111]");
    assert_eq!(line["extra_data"]["request_data"]["card_token"], "tok_1");

    let output = barg(
        &["sanitize", "--config", json_config.to_str().expect("utf-8")],
        LINE,
    );
    let line: Value = serde_json::from_str(stdout(&output).trim()).expect("json");
    assert_eq!(line["message"], "declined <secret>");

    let output = barg(
        &["sanitize", "--config", bad.to_str().expect("utf-8")],
        LINE,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown rule \"credit_card\""),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");

    let output = barg(
        &["sanitize", "--config", unknown.to_str().expect("utf-8")],
        LINE,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown field `mask_email`"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The example day holds the seed's messages (Django's `CSRF token missing.`,
/// `password: This password is too common.`) and a few request bodies with
/// secrets: only those secrets may go.
#[test]
fn example_day_loses_only_its_secrets() {
    let text = std::fs::read_to_string(crate::util::root().join("examples/events.ndjson"))
        .expect("examples/events.ndjson");
    let sanitizer = Sanitizer::default();
    let mut fired = std::collections::BTreeMap::new();
    for line in text.lines() {
        let mut event = Event::from_json(line, received()).expect("example event");
        for redaction in sanitizer.sanitize(&mut event).redactions {
            *fired
                .entry(format!("{} {}", redaction.path, redaction.rule))
                .or_insert(0) += 1;
        }
    }
    let expected: std::collections::BTreeMap<String, i32> = [
        ("/extra_data/request_data/card_number sensitive_key", 1),
        ("/extra_data/request_data/cvv2 sensitive_key", 1),
        ("/extra_data/request_data/password sensitive_key", 4),
        ("/extra_data/request_data/password_confirm sensitive_key", 4),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(fired, expected);
}
