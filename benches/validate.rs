//! Throughput of the validator on the bundled example day (567 realistic valid
//! events), on the same events each broken in one way
//! (`bench/invalid-events.ndjson`, from `bench/make-invalid.py`), and on the
//! valid events with `extra_data` checked but not built
//! (`Validator::check_deferred`, as the writer reads an event that no JSON
//! file takes).
//!
//! `cargo bench --bench validate`; criterion prints the time per pass over
//! each file and its throughput in bytes per second; events per second is the
//! number of lines over the time. `bench/compare` prints both next to ajv's.

use std::hint::black_box;

use barg::{Timestamp, Validator};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn lines(path: &str) -> Vec<String> {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(str::to_owned)
        .collect()
}

fn validate(c: &mut Criterion) {
    let received = Timestamp::parse("2025-12-26T00:00:00Z").expect("valid");
    let validator = Validator::default();
    let mut group = c.benchmark_group("validate");
    for (name, path, valid) in [
        ("valid", "examples/events.ndjson", true),
        ("invalid", "bench/invalid-events.ndjson", false),
    ] {
        let events = lines(path);
        let bytes: usize = events.iter().map(String::len).sum();
        // Every line is what its file says it is, or the figures mean nothing.
        for line in &events {
            assert_eq!(
                validator.check(line.as_bytes(), received).is_valid(),
                valid,
                "{line}"
            );
        }
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("{name} ({} events)", events.len()), |b| {
            b.iter(|| {
                events
                    .iter()
                    .filter(|line| {
                        validator
                            .check(black_box(line.as_bytes()), received)
                            .is_valid()
                    })
                    .count()
            })
        });
    }
    // What the writer does for an event that no JSON file takes: its
    // `extra_data` checked but not built.
    let events = lines("examples/events.ndjson");
    let bytes: usize = events.iter().map(String::len).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("deferred ({} events)", events.len()), |b| {
        b.iter(|| {
            events
                .iter()
                .filter(|line| {
                    validator
                        .check_deferred(black_box(line.as_bytes()), received)
                        .is_ok()
                })
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
