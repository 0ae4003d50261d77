//! The published contracts: the JSON Schema and the TypeScript declarations
//! are generated from the Rust types, and the validator's rule table agrees
//! with them field by field.

use barg::Mode;
use barg::validate::schema::{event_schema, payload_definition};
use barg::validate::typescript::declarations;
use barg::validate::{FieldRule, KIND_RULES, Presence, Shape};
use serde_json::{Value, json};

use crate::util::{barg, blessing, root, stdout};

/// The schema of one property, with a nullable `Option` unwrapped: the
/// inner schema and whether `null` is allowed.
fn unwrap_nullable(property: &Value) -> (Value, bool) {
    if let Some(types) = property["type"].as_array() {
        let others: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
        let mut inner = property.clone();
        inner["type"] = json!(others[0]);
        return (inner, types.len() != others.len());
    }
    if let Some(any) = property["anyOf"].as_array() {
        if any.len() == 2 && any[1] == json!({ "type": "null" }) {
            return (any[0].clone(), true);
        }
    }
    // A JSON value without bounds admits null too.
    let only_description = property
        .as_object()
        .is_some_and(|o| o.keys().all(|k| k == "description"));
    (property.clone(), only_description)
}

/// Whether `schema` (a property's, unwrapped) is what `shape` checks.
fn shape_matches(shape: Shape, schema: &Value, defs: &Value) -> Result<(), String> {
    let expect = |want: Value| -> Result<(), String> {
        for (key, value) in want.as_object().into_iter().flatten() {
            if &schema[key] != value {
                return Err(format!(
                    "{key}: expected {value}, schema has {}",
                    schema[key]
                ));
            }
        }
        Ok(())
    };
    match shape {
        Shape::Text => expect(json!({ "type": "string" })),
        Shape::Flag => expect(json!({ "type": "boolean" })),
        Shape::User => expect(json!({ "$ref": "#/$defs/UserId" })),
        Shape::Object => expect(json!({ "type": "object" })),
        Shape::Json => expect(json!({ "type": null })),
        Shape::Millis => expect(json!({ "type": "number", "minimum": 0 })),
        Shape::Count => expect(json!({ "type": "integer", "minimum": 0 })),
        Shape::Status => expect(json!({ "type": "integer", "minimum": 100, "maximum": 599 })),
        Shape::Severity => expect(json!({ "$ref": "#/$defs/Severity" })),
        Shape::List(fields) => {
            expect(json!({ "type": "array" }))?;
            let reference = schema["items"]["$ref"].as_str().unwrap_or_default();
            let name = reference.trim_start_matches("#/$defs/");
            fields_match(fields, &defs[name], defs).map_err(|e| format!("items: {e}"))
        }
    }
}

fn fields_match(fields: &[FieldRule], def: &Value, defs: &Value) -> Result<(), String> {
    let properties = def["properties"].as_object().ok_or("no properties")?;
    let names: Vec<&str> = properties.keys().map(String::as_str).collect();
    let rule_names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    if names != rule_names {
        return Err(format!("fields {rule_names:?}, schema {names:?}"));
    }
    let required: Vec<&str> = def["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for field in fields {
        let (inner, nullable) = unwrap_nullable(&properties[field.name]);
        let presence = match (required.contains(&field.name), nullable) {
            (true, false) => Presence::Required,
            (false, true) => Presence::Optional,
            (false, false) => Presence::Defaulted,
            (true, true) => return Err(format!("{}: required and nullable", field.name)),
        };
        if presence != field.presence {
            return Err(format!(
                "{}: rule {:?}, schema {presence:?}",
                field.name, field.presence
            ));
        }
        shape_matches(field.shape, &inner, defs).map_err(|e| format!("{}: {e}", field.name))?;
    }
    Ok(())
}

#[test]
fn kind_rules_match_the_published_schema() {
    let schema = event_schema(Mode::Strict);
    let defs = &schema["$defs"];
    for &(kind, fields) in KIND_RULES {
        let name = payload_definition(kind).expect("a kind with rules has a payload");
        if let Err(error) = fields_match(fields, &defs[name], defs) {
            panic!("{kind:?} ({name}): {error}");
        }
    }
    assert_eq!(
        KIND_RULES.len(),
        8,
        "every kind but plain records has rules"
    );
}

#[test]
fn schema_is_draft_2020_12_and_documents_what_it_cannot_express() {
    let schema = event_schema(Mode::Strict);
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let description = schema["description"].as_str().expect("a description");
    for (_, rule) in barg::validate::schema::BEYOND_SCHEMA {
        assert!(description.contains(rule), "{rule}");
    }
    assert_eq!(schema["additionalProperties"], false);
    let lenient = event_schema(Mode::Lenient);
    assert_eq!(lenient["additionalProperties"], true);
    assert_eq!(lenient["$defs"]["Context"]["additionalProperties"], true);
}

#[test]
fn schema_command_prints_the_schema() {
    let output = barg(&["schema"], "");
    assert_eq!(output.status.code(), Some(0));
    let printed: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(printed, event_schema(Mode::Strict));
    let output = barg(&["schema", "--lenient"], "");
    let printed: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(printed, event_schema(Mode::Lenient));
}

#[test]
fn typescript_declarations_are_current() {
    let path = root().join("ts/barg.d.ts");
    let generated = declarations();
    if blessing() {
        std::fs::write(&path, &generated).expect("writable ts/barg.d.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ts/barg.d.ts differs from the Rust types: regenerate with BARG_BLESS=1 cargo test typescript"
    );
    for name in [
        "Event",
        "EventInput",
        "Context",
        "Analytics",
        "UserAction",
        "SecurityEvent",
        "Operation",
        "SlowRequest",
        "DbStats",
        "HttpRequest",
        "ApiError",
    ] {
        assert!(
            generated.contains(&format!("export type {name} ")),
            "{name} is declared"
        );
    }
}
