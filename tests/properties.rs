//! Invariants over generated events.

use barg::format::needs_escape;
use barg::{
    Analytics, ApiError, Context, DbStats, Event, ExtraData, Format, Formatter, HttpRequest, Kind,
    Level, LoggerName, Operation, SecurityEvent, Severity, Thresholds, Timestamp, UserAction,
    UserId, Validator,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::util::received;

/// Text of every kind: controls, separators, bidi marks, Persian digits and
/// plain ASCII all turn up often.
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[ -~]{0,40}",
        2 => proptest::collection::vec(
            prop_oneof![
                Just('\n'), Just('\r'), Just('\t'), Just('\u{1b}'), Just('\u{0}'), Just('\u{7f}'),
                Just('\u{85}'), Just('\u{9b}'), Just('\u{2028}'), Just('\u{2029}'), Just('\u{202e}'),
                Just('\\'), Just('%'), Just('"'), Just('|'), Just('۴'), Just('د'), Just('🌳'),
                Just('a'), Just(' '),
            ],
            0..30,
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

pub fn any_logger() -> impl Strategy<Value = LoggerName> {
    "[A-Za-z0-9_-]{1,8}(\\.[A-Za-z0-9_-]{1,8}){0,3}"
        .prop_map(|name| LoggerName::new(name).expect("the pattern makes valid names"))
}

pub fn any_timestamp() -> impl Strategy<Value = Timestamp> {
    // 1900-01-01 to 2199-12-31, to the microsecond.
    (-2_208_988_800_000_000i64..7_258_118_400_000_000i64)
        .prop_map(|micros| Timestamp::from_unix_micros(micros).expect("in range"))
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((any_text(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn any_user_id() -> impl Strategy<Value = UserId> {
    prop_oneof![
        any::<i64>().prop_map(UserId::Number),
        any_text().prop_map(UserId::Text)
    ]
}

pub fn any_event() -> impl Strategy<Value = Event> {
    (
        any_timestamp(),
        proptest::sample::select(Level::ALL.to_vec()),
        any_logger(),
        any_text(),
        proptest::option::of(any_text()),
        proptest::option::of(any_text()),
        proptest::option::of(any::<u32>()),
        (
            proptest::option::of(any_user_id()),
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
        ),
        proptest::collection::vec((any_text(), any_json()), 0..5),
    )
        .prop_map(
            |(
                timestamp,
                level,
                logger,
                message,
                module,
                function,
                line,
                (user_id, request_id, client_ip),
                extra,
            )| {
                Event {
                    timestamp,
                    level,
                    logger,
                    message,
                    module,
                    function,
                    line,
                    context: Context {
                        user_id,
                        request_id,
                        client_ip,
                    },
                    extra_data: extra.into_iter().collect::<ExtraData>(),
                }
            },
        )
}

/// Every character that some reader takes as a line break.
fn breaks_a_line(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn calendar_agrees_with_chrono(
        micros in -62_167_219_200_000_000i64..253_402_300_800_000_000i64,
        offset_minutes in -1439i32..1440,
    ) {
        use chrono::{DateTime, FixedOffset, SecondsFormat};
        let ours = Timestamp::from_unix_micros(micros).expect("in range");
        let theirs = DateTime::from_timestamp_micros(micros).expect("in range");
        prop_assert_eq!(ours.to_string(), theirs.to_rfc3339_opts(SecondsFormat::Micros, true));

        // Reading any offset gives back the instant.
        let zone = FixedOffset::east_opt(offset_minutes * 60).expect("in range");
        let written = theirs.with_timezone(&zone).to_rfc3339_opts(SecondsFormat::Micros, false);
        if !written.starts_with('-') && !written.starts_with("+") {
            prop_assert_eq!(Timestamp::parse(&written).map(|t| t.unix_micros()), Ok(micros), "{}", written);
        }
        // And writing at an offset is what chrono writes.
        let mut local = Vec::new();
        ours.write_rfc3339(barg::timestamp::Offset::from_seconds(offset_minutes * 60).expect("in range"), &mut local);
        let expected = if offset_minutes == 0 { theirs.to_rfc3339_opts(SecondsFormat::Micros, true) } else { written };
        if !expected.starts_with('-') && !expected.starts_with('+') {
            prop_assert_eq!(String::from_utf8(local).expect("utf-8"), expected);
        }
    }

    #[test]
    fn every_event_is_one_line(event in any_event()) {
        for format in Format::ALL {
            let line = Formatter::new(format).format(&event);
            prop_assert!(!line.chars().any(breaks_a_line), "{format}: {line:?}");
            // No format writes a control, separator or bidirectional
            // character raw: the text formats escape them visibly, JSON as
            // `\uXXXX`.
            prop_assert!(!line.chars().any(needs_escape), "{format}: {line:?}");
        }
    }

    #[test]
    fn json_reads_back_as_the_same_event(event in any_event()) {
        let line = Formatter::new(Format::Json).format(&event);
        let back = Event::from_json(&line, received());
        prop_assert!(back.is_ok(), "{line}: {:?}", back.err());
        prop_assert_eq!(back.ok(), Some(event));
    }

    #[test]
    fn serde_serialization_is_the_json_format(event in any_event()) {
        let via_serde = serde_json::to_string(&event).expect("serializes");
        let line = Formatter::new(Format::Json).format(&event);
        // The JSON format also escapes the separators that serde_json leaves raw.
        let back: Value = serde_json::from_str(&line).expect("json");
        let serde_back: Value = serde_json::from_str(&via_serde).expect("json");
        prop_assert_eq!(back, serde_back);
    }

    #[test]
    fn the_validator_reads_every_written_event_back(event in any_event()) {
        // Plain records: a generated name that happens to be a kind's logger
        // would need that kind's payload.
        prop_assume!(Kind::of(&event.logger) == Kind::Log);
        let line = Formatter::new(Format::Json).format(&event);
        let verdict = Validator::default().check(line.as_bytes(), received());
        prop_assert!(verdict.is_valid(), "{line}: {:?}", verdict.violations);
        prop_assert_eq!(verdict.event, Some(event));
    }

    #[test]
    fn events_made_by_every_constructor_are_valid(
        at in any_timestamp(),
        text in any_text(),
        user in any_user_id(),
        millis in 0.0f64..1e7,
        status in 100u16..=599,
        severity in proptest::sample::select(Severity::ALL.to_vec()),
        success in any::<bool>(),
        data in any_json(),
        queries in proptest::collection::vec((any_text(), 0.0f64..1e4), 0..8),
    ) {
        let extra: ExtraData = [("detail".to_owned(), data.clone())].into_iter().collect();
        let queries: Vec<(&str, f64)> = queries.iter().map(|(sql, ms)| (sql.as_str(), *ms)).collect();
        let request = HttpRequest {
            method: "POST".into(),
            path: text.clone(),
            query: None,
            status,
            duration_ms: millis,
            user_id: Some(user.clone()),
            client_ip: None,
            user_agent: Some(text.clone()),
        };
        let operation = if success {
            Operation::succeeded(&text, millis, extra.clone())
        } else {
            Operation::failed(&text, millis, "OSError", &text, extra.clone())
        };
        let mut events = vec![
            Analytics { event_name: text.clone(), event_category: text.clone(), user_id: Some(user.clone()), properties: extra.clone() }.into_event(at),
            UserAction { action: text.clone(), user_id: user.clone(), user_email: None, extra_data: extra.clone() }.into_event(at),
            SecurityEvent { event_type: text.clone(), severity, description: text.clone(), ip_address: None, extra_data: extra.clone() }.into_event(at),
            operation.into_event(at),
            DbStats::from_queries(Some(&text), &queries).into_event(at, &Thresholds::default()),
            ApiError { error_type: text.clone(), error_message: text.clone(), path: text.clone(), method: "GET".into(), user_id: None, request_data: Some(data) }.into_event(at),
        ];
        events.extend(request.into_events(at, &Thresholds { slow_request_ms: millis / 2.0, ..Thresholds::default() }).into_vec());
        let validator = Validator::default();
        for event in events {
            let line = Formatter::new(Format::Json).format(&event);
            let verdict = validator.check(line.as_bytes(), received());
            prop_assert!(verdict.is_valid(), "{line}: {:?}", verdict.violations);
            prop_assert_eq!(verdict.event, Some(event));
        }
    }
}

/// Appends lines of the given lengths under the size rule, as the writer
/// does, keeping every backup; gives the files, oldest first, as lists of
/// line lengths.
fn rotate_sizes(max_bytes: u64, lengths: &[u64]) -> Vec<Vec<u64>> {
    use barg::rotation::{FileState, Rotation, should_roll_over};
    let rotation = Rotation::Size {
        max_bytes,
        backups: 1,
    };
    let day = barg::timestamp::Day::parse("2025-12-26").expect("a day");
    let mut files = vec![Vec::new()];
    for &len in lengths {
        let current: &Vec<u64> = files.last().expect("a current file");
        let state = FileState {
            size: current.iter().sum(),
            day,
        };
        if should_roll_over(rotation, state, len, day) {
            files.push(Vec::new());
        }
        files.last_mut().expect("a current file").push(len);
    }
    files
}

proptest! {
    #[test]
    fn rotation_never_exceeds_the_limit_nor_loses_a_line(
        max_bytes in 1u64..2000,
        lengths in proptest::collection::vec(1u64..400, 0..300),
    ) {
        let files = rotate_sizes(max_bytes, &lengths);
        for (i, file) in files.iter().enumerate() {
            let size: u64 = file.iter().sum();
            // Under the limit, unless one line alone is not.
            prop_assert!(size < max_bytes || file.len() == 1, "file {} of {:?}", i, files);
            // Never an empty backup.
            prop_assert!(!file.is_empty() || (files.len() == 1 && lengths.is_empty()));
        }
        let kept: Vec<u64> = files.into_iter().flatten().collect();
        prop_assert_eq!(kept, lengths);
    }
}

/// The items that [`barg::json_array_items`] finds, as text.
fn array_items(text: &str) -> Vec<Result<&str, String>> {
    barg::json_array_items(text.as_bytes())
        .expect("an array")
        .into_iter()
        .map(|item| {
            item.map(|t| std::str::from_utf8(t).expect("cut at a boundary"))
                .map_err(|e| e.to_string())
        })
        .collect()
}

proptest! {
    #[test]
    fn a_json_array_is_cut_as_serde_json_reads_it(
        items in proptest::collection::vec(any_json(), 0..6),
        pretty in any::<bool>(),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&items)
        } else {
            serde_json::to_string(&items)
        }
        .expect("serializes");
        let raw: Vec<&serde_json::value::RawValue> = serde_json::from_str(&text).expect("reads");
        let expected: Vec<Result<&str, String>> = raw.iter().map(|item| Ok(item.get())).collect();
        prop_assert_eq!(array_items(&text), expected);
    }

    #[test]
    fn any_text_is_cut_into_items_in_order_without_overlap(
        tail in proptest::collection::vec(
            proptest::sample::select(b"[]{},\"\\ \n\tax1:".to_vec()),
            0..60,
        ),
    ) {
        let mut text = b"[".to_vec();
        text.extend(tail);
        let items = barg::json_array_items(&text).expect("an array");
        let mut after = 0;
        for item in &items {
            let part = match item {
                Ok(part) => *part,
                Err(error) => error.text(),
            };
            if part.is_empty() {
                continue;
            }
            let at = part.as_ptr() as usize - text.as_ptr() as usize;
            prop_assert!(at >= after && at + part.len() <= text.len(), "{:?}", items);
            after = at + part.len();
        }
        // Only the end of the text can be an unclosed array or text after it.
        for item in &items[..items.len().saturating_sub(1)] {
            prop_assert!(
                !matches!(
                    item,
                    Err(barg::ArrayError::Unclosed { .. } | barg::ArrayError::Trailing { .. })
                ),
                "{:?}",
                items
            );
        }
    }

    #[test]
    fn a_broken_item_loses_no_item_before_it(
        items in proptest::collection::vec(any_json(), 1..6),
        broken in any::<proptest::sample::Index>(),
        cut in any::<proptest::sample::Index>(),
        balanced in any::<bool>(),
    ) {
        let texts: Vec<String> = items.iter().map(|item| item.to_string()).collect();
        let broken = broken.index(texts.len());
        let mut damaged = texts.clone();
        damaged[broken] = if balanced {
            // A syntax error that leaves the brackets as they were.
            format!("{{\"a\":oops,{}:1}}", texts[broken])
        } else {
            // Cut short, anywhere: brackets and strings left open.
            let text = &texts[broken];
            let mut at = cut.index(text.len().max(1));
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text[..at].to_owned()
        };
        let body = format!("[{}]", damaged.join(",\n"));
        let found = array_items(&body);
        for (i, text) in texts.iter().enumerate().take(broken) {
            prop_assert_eq!(&found[i], &Ok(text.as_str()), "{}", body);
        }
        // Every item after it is reported: whole, or inside an item or the
        // text after the array, never dropped unseen.
        let spans: Vec<(usize, usize)> = barg::json_array_items(body.as_bytes())
            .expect("an array")
            .into_iter()
            .map(|item| item.unwrap_or_else(|error| error.text()))
            .filter(|part| !part.is_empty())
            .map(|part| {
                let at = part.as_ptr() as usize - body.as_ptr() as usize;
                (at, at + part.len())
            })
            .collect();
        let mut from = 1;
        for (i, text) in damaged.iter().enumerate() {
            let at = from;
            from += text.len() + 2;
            if i <= broken || text.is_empty() {
                continue;
            }
            let end = at + text.len();
            prop_assert!(
                spans.iter().any(|&(s, e)| s <= at && end <= e),
                "item {} ({}..{}) is in no span of {:?}: {}", i, at, end, spans, body
            );
        }
        if balanced {
            // Every other item is kept whole, and the broken one alone is
            // not JSON.
            prop_assert_eq!(found.len(), texts.len(), "{}", body);
            for (i, text) in texts.iter().enumerate() {
                if i != broken {
                    prop_assert_eq!(&found[i], &Ok(text.as_str()), "{}", body);
                }
            }
            let item = found[broken].as_ref().expect("an item");
            prop_assert!(serde_json::from_str::<Value>(item).is_err(), "{}", item);
        }
    }
}
