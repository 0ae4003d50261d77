//! Cutting a JSON array of events into its items: the bundled example day as
//! one `POST /v1/events` body, by `json_array_items` and, for comparison,
//! read as serde_json's `RawValue`s (what the writer did before, and what
//! refused the whole body at one broken item).
//!
//! `cargo bench --bench batch`; criterion prints the time per body and its
//! throughput in bytes per second.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::value::RawValue;

fn batch(c: &mut Criterion) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/events.ndjson"
    ))
    .expect("examples/events.ndjson");
    let body = format!("[{}]", text.lines().collect::<Vec<_>>().join(",\n"));
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("json_array_items", |b| {
        b.iter(|| barg::json_array_items(black_box(body.as_bytes())).map(|items| items.len()))
    });
    group.bench_function("serde_json RawValue", |b| {
        b.iter(|| serde_json::from_str::<Vec<&RawValue>>(black_box(&body)).map(|items| items.len()))
    });
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
