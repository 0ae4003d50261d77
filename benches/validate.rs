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

/// Whether `validator` takes `line` as a valid event.
type Accepts = fn(&Validator, &[u8], Timestamp) -> bool;

fn check(validator: &Validator, line: &[u8], received: Timestamp) -> bool {
    validator.check(line, received).is_valid()
}

/// What the writer does for an event that no JSON file takes: its
/// `extra_data` checked but not built.
fn check_deferred(validator: &Validator, line: &[u8], received: Timestamp) -> bool {
    validator.check_deferred(line, received).is_ok()
}

fn validate(c: &mut Criterion) {
    let received = Timestamp::parse("2025-12-26T00:00:00Z").expect("valid");
    let validator = Validator::default();
    let mut group = c.benchmark_group("validate");
    let rows: [(&str, &str, bool, Accepts); 3] = [
        ("valid", "examples/events.ndjson", true, check),
        ("invalid", "bench/invalid-events.ndjson", false, check),
        ("deferred", "examples/events.ndjson", true, check_deferred),
    ];
    for (name, path, valid, accepts) in rows {
        let events = lines(path);
        let bytes: usize = events.iter().map(String::len).sum();
        // Every line is what its file says it is, or the figures mean nothing.
        for line in &events {
            assert_eq!(
                accepts(&validator, line.as_bytes(), received),
                valid,
                "{line}"
            );
        }
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("{name} ({} events)", events.len()), |b| {
            b.iter(|| {
                events
                    .iter()
                    .filter(|line| accepts(&validator, black_box(line.as_bytes()), received))
                    .count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
