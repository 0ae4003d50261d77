//! Any bytes into the validator, in both modes and with small limits: it
//! never panics, never overflows the stack, and its verdict is coherent: an
//! event exactly when there is no violation, the same event that the strict
//! parse reads, and one whose JSON line is valid again.

#![no_main]

use barg::validate::Limits;
use barg::{Mode, Timestamp, Validator, ValidatorConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let received = Timestamp::from_unix_micros(1_766_707_200_000_000).expect("a fixed instant");
    let tight = Limits {
        max_event_bytes: 4096,
        max_depth: 4,
        max_string_len: 64,
        max_keys_per_object: 8,
        max_array_len: 8,
    };
    for config in [
        ValidatorConfig::default(),
        ValidatorConfig {
            mode: Mode::Lenient,
            limits: tight,
        },
    ] {
        let verdict = Validator::new(config).check(input, received);
        // An event exactly when there is no violation.
        assert_eq!(verdict.event.is_some(), verdict.violations.is_empty());
        for violation in verdict.violations.iter().chain(&verdict.warnings) {
            assert!(violation.pointer.is_empty() || violation.pointer.starts_with('/'));
        }
        // The strict parse reads a valid event the same way.
        if config.mode == Mode::Strict {
            if let (Some(event), Ok(text)) = (&verdict.event, std::str::from_utf8(input)) {
                let parsed = barg::Event::from_json(text, received);
                assert_eq!(parsed.ok().as_ref(), Some(event), "{text}");
            }
        }
        // A valid event's JSON line is valid again, and the same event. (Under
        // the default limits: the line always has all nine top-level keys.)
        if let Some(event) = verdict.event {
            let line = serde_json::to_string(&event).expect("an event serializes");
            let again = Validator::default().check(line.as_bytes(), received);
            assert_eq!(again.event.as_ref(), Some(&event), "{line}");
        }
    }
});
