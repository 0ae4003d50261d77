//! Cost of the sanitizer: per event for a typical event with nested request
//! data, and throughput over large string payloads.
//!
//! `cargo bench --bench sanitize`; criterion prints the time per event and
//! the bytes per second for the large strings.

use std::hint::black_box;

use barg::sanitize::Limits;
use barg::{Event, Sanitizer, SanitizerConfig, Timestamp};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// An API error as the seed logs it: about 1 KB of JSON with the request's
/// body and headers, some of it secret.
const TYPICAL: &str = r#"{"timestamp":"2025-12-26T10:30:45.123456Z","level":"ERROR","logger":"shop.payments","message":"API error: PaymentDeclined on POST /api/shop/checkout/ for order 982734 (card 4111 1111 1111 1111)","module":"views","function":"checkout","line":212,"context":{"user_id":123,"request_id":"req-9f2c4e1a","client_ip":"5.160.1.2"},"extra_data":{"error_type":"PaymentDeclined","error_message":"Gateway refused the payment: insufficient funds","path":"/api/shop/checkout/","method":"POST","user_id":123,"request_data":{"order_id":982734,"items":[{"product_id":42,"title":"Story book: The Little Tree","quantity":2,"price":"240000"},{"product_id":77,"title":"Coloring pages","quantity":1,"price":"90000"}],"shipping":{"name":"Sara Ahmadi","city":"Tehran","postal_code":"1969833113","phone":"+98 912 345 6789"},"payment":{"card_number":"6037991234567893","cvv2":"123","expiry":"04/27","holder":"SARA AHMADI"},"coupon":"YALDA1404","callback_url":"https://derrakht.ir/shop/callback?order=982734&token=6f1ed002ab5595859014ebf0951522d9"},"headers":{"User-Agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","Authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl","Accept-Language":"fa-IR,fa;q=0.9,en;q=0.8"}}}"#;

/// The same shape with nothing to redact: the common case.
const CLEAN: &str = r#"{"timestamp":"2025-12-26T10:30:45.123456Z","level":"INFO","logger":"stories.generation","message":"Story created from template: 42 for user 123 in 1523.45ms","module":"views","function":"start_story","line":122,"context":{"user_id":123,"request_id":"req-9f2c4e1a","client_ip":"5.160.1.2"},"extra_data":{"story_id":98127,"template_id":42,"activity_type":"illustrate","parts":[{"index":0,"kind":"text","words":118,"title":"Once upon a time"},{"index":1,"kind":"image","width":1024,"height":768,"url":"https://cdn.derrakht.ir/stories/98127/part-1.webp"},{"index":2,"kind":"text","words":204,"title":"The little tree grows"}],"request":{"path":"/api/stories/start/","method":"POST","query":"template=42&lang=fa","user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","accept_language":"fa-IR,fa;q=0.9,en;q=0.8"},"timings":{"db_ms":12.5,"render_ms":230.1,"total_ms":1523.45,"queries":17},"author":"Sara Ahmadi","category":"stories"}}"#;

fn events(c: &mut Criterion) {
    let received = Timestamp::parse("2025-12-26T00:00:00Z").expect("valid");
    let sanitizer = Sanitizer::default();
    let mut group = c.benchmark_group("sanitize_event");
    group.throughput(Throughput::Elements(1));
    for (name, line) in [("typical_with_secrets", TYPICAL), ("typical_clean", CLEAN)] {
        let event = Event::from_json(line, received).expect("valid bench event");
        group.bench_function(name, |b| {
            b.iter_batched_ref(
                || event.clone(),
                |event| black_box(sanitizer.sanitize(event)),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// About 1 MiB of log-like prose: words, numbers, times, URLs and ids, with
/// a secret every few kilobytes.
fn payload(with_secrets: bool) -> String {
    let prose = "GET /api/stories/98127/parts/2?lang=fa took 152.3ms at 2025-12-26 10:30:45 \
                 for user 123 (order 1735208445122, id 7000000000000005) via https://cdn.derrakht.ir/x \
                 داستان درخت کوچک ۱۲۳ ";
    let secret = "paid with 4111 1111 1111 1111 token=abc123def456 Bearer dXNlcjpwYXNz ";
    let mut text = String::with_capacity(1 << 20);
    let mut n = 0;
    while text.len() < 1 << 20 {
        text.push_str(prose);
        n += 1;
        if with_secrets && n % 16 == 0 {
            text.push_str(secret);
        }
    }
    text
}

fn strings(c: &mut Criterion) {
    // The payloads are a little over the default 1 MiB string limit, past
    // which a string is replaced unscanned.
    let config = SanitizerConfig {
        limits: Limits {
            max_string_bytes: 4 << 20,
            ..Limits::default()
        },
        ..SanitizerConfig::default()
    };
    let sanitizer = Sanitizer::new(&config).expect("valid config");
    let mut group = c.benchmark_group("sanitize_text");
    group.sample_size(20);
    for (name, text) in [
        ("prose_1mib_clean", payload(false)),
        ("prose_1mib_with_secrets", payload(true)),
        ("digits_1mib", "1234 5678 ".repeat((1 << 20) / 10)),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| sanitizer.sanitize_text(black_box(&text)))
        });
    }
    group.finish();
}

criterion_group!(benches, events, strings);
criterion_main!(benches);
