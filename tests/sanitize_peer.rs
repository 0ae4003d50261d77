//! barg beside a well-known redaction engine, @logtape/redaction 2.3.7: the
//! cases of `tests/vectors/peer/logtape.json`, with that package's output
//! recorded by `tests/peer/logtape.mjs`. Each case holds barg's output too;
//! where the two decide differently (one redacts, the other keeps), the case
//! says why, so that every difference is on purpose.

use barg::{Sanitizer, SanitizerConfig};
use serde_json::{Value, json};

use crate::util::{blessing, root, write_vector};

fn sanitizer() -> Sanitizer {
    // LogTape masks emails with its pattern set; barg does when asked.
    let config = SanitizerConfig {
        mask_emails: true,
        ..SanitizerConfig::default()
    };
    Sanitizer::new(&config).expect("valid")
}

/// barg's output for a text, and whether it changed it.
fn barg_text(sanitizer: &Sanitizer, text: &str) -> String {
    sanitizer
        .sanitize_text(text)
        .unwrap_or_else(|| text.to_owned())
}

/// Whether barg redacts the value of `key`.
fn barg_key(sanitizer: &Sanitizer, key: &str) -> bool {
    let mut value = json!({ key: "plain value" });
    !sanitizer.sanitize_value(&mut value).is_empty()
}

#[test]
fn logtape_cases() {
    let path = root().join("tests/vectors/peer/logtape.json");
    let text = std::fs::read_to_string(&path).expect("vector file");
    let mut doc: Value = serde_json::from_str(&text).expect("json");
    let sanitizer = sanitizer();
    let mut failures = Vec::new();

    let texts = doc["texts"].as_array_mut().expect("texts");
    for case in texts.iter_mut() {
        let input = case["text"].as_str().expect("text").to_owned();
        let got = barg_text(&sanitizer, &input);
        let logtape_redacts = case["logtape"].as_str() != Some(input.as_str());
        let barg_redacts = got != input;
        if blessing() {
            case["barg"] = Value::String(got);
        } else if case["barg"] != got.as_str() {
            failures.push(format!(
                "{input:?}: barg gave {got:?}, expected {}",
                case["barg"]
            ));
        }
        if logtape_redacts != barg_redacts && case["note"].as_str().unwrap_or("").is_empty() {
            failures.push(format!(
                "{input:?}: the engines differ and no note says why"
            ));
        }
    }
    let keys = doc["keys"].as_array_mut().expect("keys");
    for case in keys.iter_mut() {
        let key = case["key"].as_str().expect("key").to_owned();
        let got = barg_key(&sanitizer, &key);
        if blessing() {
            case["barg"] = Value::Bool(got);
        } else if case["barg"] != got {
            failures.push(format!(
                "key {key:?}: barg redacts {got}, expected {}",
                case["barg"]
            ));
        }
        if case["logtape"] != got && case["note"].as_str().unwrap_or("").is_empty() {
            failures.push(format!(
                "key {key:?}: the engines differ and no note says why"
            ));
        }
    }
    if blessing() {
        write_vector(&path, &doc);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
