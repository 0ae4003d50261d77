//! Every vector group (format, sanitize, check), run by the core compiled to
//! wasm, and the format vectors through its JS face too, in
//! Node (`wasm-pack test --node`) and in headless Chromium
//! (`wasm-pack test --headless --chrome` with `WASM_BINDGEN_USE_BROWSER=1`).
//! Every expectation is the one the native tests hold, so the outputs are
//! byte-identical to the native build's.
#![cfg(target_arch = "wasm32")]

mod common;

use include_dir::{Dir, include_dir};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use common::{check_case, format_case, input_line, sanitize_case};

static VECTORS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/vectors");

fn vectors(group: &str) -> Vec<(String, Value)> {
    let dir = VECTORS
        .get_dir(group)
        .unwrap_or_else(|| panic!("no vectors/{group}"));
    let mut vectors: Vec<(String, Value)> = dir
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "json"))
        .map(|f| {
            let doc = serde_json::from_slice(f.contents()).expect("vector is JSON");
            (f.path().display().to_string(), doc)
        })
        .collect();
    vectors.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!vectors.is_empty());
    vectors
}

fn js_error_message(error: JsValue) -> String {
    error
        .dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|e| format!("{e:?}"))
}

#[wasm_bindgen_test]
fn format_vectors_in_the_core() {
    for (name, doc) in vectors("format") {
        assert_eq!(format_case(&doc), doc["expect"], "{name}");
    }
}

#[wasm_bindgen_test]
fn format_vectors_through_the_js_api() {
    for (name, doc) in vectors("format") {
        // The JS API stamps events without a timestamp with the clock, which
        // vectors cannot know; the core test above covers those.
        if doc["input"].is_object() && doc["input"].get("timestamp").is_none() {
            continue;
        }
        let options = doc["zone"].as_str().map(|zone| {
            js_sys::JSON::parse(&format!("{{\"zone\":\"{zone}\"}}"))
                .expect("json")
                .unchecked_into::<barg::wasm::FormatOptionsArg>()
        });
        let expect = &doc["expect"];
        for format in ["simple", "verbose", "json"] {
            let got = barg::wasm::format(
                &JsValue::from_str(&input_line(&doc)).unchecked_into(),
                &JsValue::from_str(format),
                options.as_ref().map(|o| JsValue::clone(o).unchecked_into()),
            )
            .map_err(|e| js_error_message(e.into()));
            match expect.get("error") {
                Some(error) => assert_eq!(
                    got.as_ref().err().map(String::as_str),
                    error.as_str(),
                    "{name}"
                ),
                None => assert_eq!(
                    got.as_deref().ok(),
                    expect[format].as_str(),
                    "{name} {format}"
                ),
            }
        }
    }
}

#[wasm_bindgen_test]
fn sanitize_vectors_in_the_core() {
    for (name, doc) in vectors("sanitize") {
        assert_eq!(sanitize_case(&doc), doc["expect"], "{name}");
    }
}

#[wasm_bindgen_test]
fn check_vectors_in_the_core() {
    for group in ["check/valid", "check/invalid"] {
        for (name, doc) in vectors(group) {
            assert_eq!(check_case(&doc).1, doc["expect"], "{name}");
        }
    }
}
