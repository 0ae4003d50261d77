//! Throughput of reading and formatting the bundled example day, per format.
//!
//! `cargo bench --bench format`; criterion prints time per iteration over the
//! whole file and its throughput in events per second.

use std::hint::black_box;

use barg::{Event, Format, Formatter, Timestamp};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn examples() -> (Vec<String>, Vec<Event>) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/events.ndjson"
    ))
    .expect("examples/events.ndjson");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let received = Timestamp::parse("2025-12-26T00:00:00Z").expect("valid");
    let events = lines
        .iter()
        .map(|line| Event::from_json(line, received).expect("valid example"))
        .collect();
    (lines, events)
}

fn format(c: &mut Criterion) {
    let (lines, events) = examples();
    let mut group = c.benchmark_group("format");
    group.throughput(Throughput::Elements(events.len() as u64));
    for format in Format::ALL {
        let formatter = Formatter::new(format);
        group.bench_function(format.name(), |b| {
            let mut out = Vec::with_capacity(1 << 20);
            b.iter(|| {
                out.clear();
                for event in &events {
                    formatter.write(black_box(event), &mut out);
                    out.push(b'\n');
                }
                black_box(out.len())
            })
        });
    }
    let received = Timestamp::parse("2025-12-26T00:00:00Z").expect("valid");
    group.bench_function("parse", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter_map(|line| Event::from_json(black_box(line), received).ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, format);
criterion_main!(benches);
