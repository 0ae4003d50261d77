//! Prints `examples/events.ndjson`: one realistic day of the seed platform,
//! built with barg's own constructors, in the JSON format.
//!
//! The day is random but repeatable (a fixed seed), so the committed file can
//! be checked against a fresh run (the `examples` tests do):
//! `cargo run --example day > examples/events.ndjson`.

use barg::{
    Analytics, ApiError, Context, DbStats, Event, ExtraData, Format, Formatter, HttpRequest, Level,
    LoggerName, Operation, SecurityEvent, Severity, Thresholds, Timestamp, UserAction, UserId,
    log_record,
};
use serde_json::{Value, json};

/// A small, fixed pseudo-random sequence (xorshift64*), so the day repeats.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn ms(&mut self, low: f64, high: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((low + unit * (high - low)) * 100.0).round() / 100.0
    }
}

fn data(value: Value) -> ExtraData {
    match value {
        Value::Object(map) => map,
        _ => ExtraData::new(),
    }
}

fn logger(name: &str) -> LoggerName {
    LoggerName::new(name).expect("example logger names are valid")
}

struct Day {
    dice: Dice,
    micros: i64,
    events: Vec<Event>,
    thresholds: Thresholds,
}

const USERS: &[(i64, &str)] = &[
    (101, "sara.ahmadi@example.ir"),
    (102, "reza.karimi@example.ir"),
    (117, "mina.rostami@example.com"),
    (123, "ali.hosseini@example.ir"),
    (140, "neda.jafari@example.com"),
    (152, "omid.tehrani@example.ir"),
];

const TEMPLATES: &[(u32, &str)] = &[
    (7, "WRITE_FOR_DRAWING"),
    (12, "DRAW_FOR_STORY"),
    (42, "WRITE_FOR_DRAWING"),
    (55, "COMPLETE_THE_STORY"),
];

const TITLES: &[&str] = &[
    "The brave little sparrow",
    "درخت آرزوها",
    "Moon over the Alborz",
    "ماجرای گربه‌ی نارنجی",
    "A dragon who loved tea",
];

const AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "okhttp/4.12.0",
];

impl Day {
    fn now(&mut self, max_gap_seconds: u64) -> Timestamp {
        self.micros += (self.dice.below(max_gap_seconds * 2_000_000) + 1000) as i64;
        Timestamp::from_unix_micros(self.micros).expect("the day is in range")
    }

    fn ip(&mut self) -> String {
        format!(
            "{}.{}.{}.{}",
            self.dice.pick(&[5, 31, 37, 78, 185, 217]),
            self.dice.below(256),
            self.dice.below(256),
            self.dice.below(254) + 1
        )
    }

    fn request(&mut self, at: Timestamp, method: &str, path: &str, status: u16, user: Option<i64>) {
        let slow = self.dice.below(12) == 0;
        let duration_ms = if slow {
            self.dice.ms(1000.5, 4200.0)
        } else {
            self.dice.ms(8.0, 420.0)
        };
        let client_ip = self.ip();
        let events = HttpRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: (method == "GET" && self.dice.below(3) == 0)
                .then(|| "page=2&page_size=20".to_owned()),
            status,
            duration_ms,
            user_id: user.map(UserId::Number),
            client_ip: Some(client_ip.clone()),
            user_agent: Some(self.dice.pick(AGENTS).to_string()),
        }
        .into_events(at, &self.thresholds);
        for event in events.into_vec() {
            self.events.push(event);
        }
        if self.dice.below(6) == 0 {
            let queries: Vec<(String, f64)> = (0..self.dice.below(90) + 3)
                .map(|i| {
                    let table = self.dice.pick(&[
                        "stories_story",
                        "stories_storypart",
                        "shop_order",
                        "users_user",
                        "blog_post",
                    ]);
                    (
                        format!(
                            "SELECT * FROM \"{table}\" WHERE \"{table}\".\"id\" = {}",
                            i + 1
                        ),
                        self.dice.ms(0.2, 30.0),
                    )
                })
                .collect();
            let borrowed: Vec<(&str, f64)> =
                queries.iter().map(|(q, t)| (q.as_str(), *t)).collect();
            let stats = DbStats::from_queries(Some(path), &borrowed);
            self.events.push(stats.into_event(at, &self.thresholds));
        }
    }

    fn story(&mut self) {
        let &(user, email) = self.dice.pick(USERS);
        let &(template_id, activity) = self.dice.pick(TEMPLATES);
        let story_id = 5000 + self.dice.below(900) as i64;
        let context = Context {
            user_id: Some(UserId::Number(user)),
            request_id: Some(format!("req-{:08x}", self.dice.next() as u32)),
            client_ip: Some(self.ip()),
        };
        let at = self.now(400);
        let path = format!("/api/stories/templates/{template_id}/start_story/");
        self.request(at, "POST", &path, 201, Some(user));
        let took = self.dice.ms(40.0, 900.0);
        self.events.push(
            Operation::succeeded(
                "story_generation",
                took,
                data(json!({"template_id": template_id})),
            )
            .into_event(at),
        );
        self.events.push(
            log_record(
                at,
                Level::Info,
                logger("stories.generation"),
                format!("Story created from template: {template_id}"),
                data(json!({"story_id": story_id, "template_id": template_id, "user_id": user})),
            )
            .at_source("views", "start_story", 122)
            .with_context(context.clone()),
        );
        self.events.push(
            UserAction {
                action: "story_started".into(),
                user_id: UserId::Number(user),
                user_email: Some(email.into()),
                extra_data: data(json!({"story_id": story_id})),
            }
            .into_event(at),
        );
        self.events.push(Analytics { event_name: "story_started".into(), event_category: "stories".into(), user_id: Some(UserId::Number(user)), properties: data(json!({"template_id": template_id, "activity_type": activity, "parts_count": 5})) }.into_event(at));

        for part in 0..self.dice.below(4) {
            let at = self.now(300);
            self.request(
                at,
                "PATCH",
                &format!("/api/stories/{story_id}/parts/{part}/"),
                200,
                Some(user),
            );
            self.events.push(
                log_record(at, Level::Debug, logger("stories"), format!("Canvas data updated for story {story_id} part {part}"),
                    data(json!({"story_id": story_id, "part_index": part, "canvas_bytes": 2000 + self.dice.below(60000)})))
                .at_source("views", "update_part", 201)
                .with_context(context.clone()),
            );
        }
        if self.dice.below(3) == 0 {
            let at = self.now(200);
            let size = 100_000 + self.dice.below(4_000_000);
            self.request(
                at,
                "POST",
                &format!("/api/stories/{story_id}/illustrations/"),
                201,
                Some(user),
            );
            self.events.push(log_record(at, Level::Info, logger("stories.images"), format!("Illustration uploaded for story {story_id}"), data(json!({"story_id": story_id, "size_bytes": size, "content_type": "image/png"}))).at_source("images", "upload_illustration", 64).with_context(context.clone()));
            self.events.push(
                Analytics {
                    event_name: "illustration_uploaded".into(),
                    event_category: "stories".into(),
                    user_id: Some(UserId::Number(user)),
                    properties: data(json!({"story_id": story_id, "size_bytes": size})),
                }
                .into_event(at),
            );
            if size > 3_500_000 {
                self.events.push(
                    log_record(
                        at,
                        Level::Warning,
                        logger("stories.images"),
                        format!("Large illustration resized: {size} bytes"),
                        data(json!({"story_id": story_id, "size_bytes": size})),
                    )
                    .at_source("images", "resize", 88)
                    .with_context(context.clone()),
                );
            }
        }
        if self.dice.below(4) != 0 {
            let at = self.now(900);
            let title = self.dice.pick(TITLES).to_string();
            self.request(
                at,
                "POST",
                &format!("/api/stories/{story_id}/complete/"),
                200,
                Some(user),
            );
            self.events.push(
                log_record(
                    at,
                    Level::Info,
                    logger("stories"),
                    format!("Story completed: {title}"),
                    data(json!({"story_id": story_id, "story_title": title})),
                )
                .at_source("views", "complete_story", 310)
                .with_context(context.clone()),
            );
            self.events.push(UserAction { action: "story_completed".into(), user_id: UserId::Number(user), user_email: Some(email.into()), extra_data: data(json!({"story_id": story_id, "story_title": title, "activity_type": activity})) }.into_event(at));
            self.events.push(
                Analytics {
                    event_name: "story_completed".into(),
                    event_category: "stories".into(),
                    user_id: Some(UserId::Number(user)),
                    properties: data(
                        json!({"story_id": story_id, "activity_type": activity, "parts_count": 5}),
                    ),
                }
                .into_event(at),
            );
            let took = self.dice.ms(300.0, 6000.0);
            if self.dice.below(8) == 0 {
                self.events.push(
                    Operation::failed(
                        "pdf_generation",
                        took,
                        "OSError",
                        "Font file not found: Vazirmatn-Bold.ttf",
                        data(json!({"story_id": story_id})),
                    )
                    .into_event(at),
                );
            } else {
                self.events.push(
                    Operation::succeeded(
                        "pdf_generation",
                        took,
                        data(json!({"story_id": story_id})),
                    )
                    .into_event(at),
                );
            }
        }
    }

    fn payment(&mut self) {
        let &(user, email) = self.dice.pick(USERS);
        let order = format!(
            "{:08x}-{:04x}",
            self.dice.next() as u32,
            self.dice.below(0x10000)
        );
        let amount = (self.dice.below(40) + 1) as f64 * 125_000.0;
        let gateway = *self.dice.pick(&["zarinpal", "sep", "mellat"]);
        let client_ip = self.ip();
        let context = Context {
            user_id: Some(UserId::Number(user)),
            request_id: Some(format!("req-{:08x}", self.dice.next() as u32)),
            client_ip: Some(client_ip.clone()),
        };
        let at = self.now(600);
        self.request(
            at,
            "POST",
            &format!("/api/shop/orders/{order}/pay/"),
            200,
            Some(user),
        );
        self.events.push(
            log_record(
                at,
                Level::Info,
                logger("shop.payments"),
                format!("Payment request initiated for order {order}"),
                data(json!({"order_id": order, "amount": amount, "gateway": gateway})),
            )
            .at_source("services", "request_payment", 48)
            .with_context(context.clone()),
        );
        let payment_id = format!("pay_{:012x}", self.dice.next() & 0xffff_ffff_ffff);
        let at = self.now(120);
        self.request(at, "GET", "/api/shop/payments/callback/", 302, None);
        self.events.push(log_record(at, Level::Info, logger("shop.payments"), format!("Payment gateway callback received: {gateway}"), data(json!({"payment_id": payment_id, "gateway": gateway, "authority": format!("A{:035}", self.dice.next())}))).at_source("views", "payment_callback", 97));
        match self.dice.below(7) {
            0 => {
                self.events.push(log_record(at, Level::Error, logger("shop.payments"), format!("Payment verification failed: {payment_id}"), data(json!({"payment_id": payment_id, "order_id": order, "gateway": gateway, "code": -51}))).at_source("services", "verify_payment", 133).with_context(context.clone()));
                self.events.push(
                    SecurityEvent {
                        event_type: "payment_verification_failure".into(),
                        severity: Severity::Medium,
                        description: format!("Payment verification failed for order {order}"),
                        ip_address: Some(client_ip),
                        extra_data: data(json!({"payment_id": payment_id, "gateway": gateway})),
                    }
                    .into_event(at),
                );
            }
            1 => {
                let card = *self.dice.pick(&["6037991234567892", "4111 1111 1111 1111"]);
                self.events.push(ApiError { error_type: "GatewayTimeout".into(), error_message: format!("{gateway} did not answer in 30s"), path: format!("/api/shop/orders/{order}/pay/"), method: "POST".into(), user_id: Some(UserId::Number(user)), request_data: Some(json!({"gateway": gateway, "card_number": card, "cvv2": "123", "amount": amount})) }.into_event(at));
            }
            _ => {
                self.events.push(log_record(at, Level::Info, logger("shop.payments"), format!("Payment verified: {payment_id}"), data(json!({"payment_id": payment_id, "order_id": order, "amount": amount, "gateway": gateway}))).at_source("services", "verify_payment", 141).with_context(context.clone()));
                self.events.push(
                    log_record(
                        at,
                        Level::Info,
                        logger("shop.orders"),
                        format!("Order status changed: {order} pending -> paid"),
                        data(json!({"order_id": order, "from": "pending", "to": "paid"})),
                    )
                    .at_source("models", "set_status", 212)
                    .with_context(context.clone()),
                );
                self.events.push(
                    log_record(
                        at,
                        Level::Info,
                        logger("shop"),
                        format!("Invoice created for order {order}"),
                        data(
                            json!({"order_id": order, "invoice_id": 9000 + self.dice.below(1000)}),
                        ),
                    )
                    .at_source("invoices", "create_invoice", 30)
                    .with_context(context.clone()),
                );
                self.events.push(
                    UserAction {
                        action: "payment_completed".into(),
                        user_id: UserId::Number(user),
                        user_email: Some(email.into()),
                        extra_data: data(
                            json!({"order_id": order, "amount": amount, "payment_id": payment_id}),
                        ),
                    }
                    .into_event(at),
                );
                self.events.push(
                    Analytics {
                        event_name: "payment_completed".into(),
                        event_category: "shop".into(),
                        user_id: Some(UserId::Number(user)),
                        properties: data(json!({"amount": amount, "gateway": gateway})),
                    }
                    .into_event(at),
                );
            }
        }
    }

    fn login(&mut self) {
        let &(user, email) = self.dice.pick(USERS);
        let ip = self.ip();
        let at = self.now(700);
        if self.dice.below(4) == 0 {
            self.request(at, "POST", "/api/users/login/", 401, None);
            self.events.push(
                SecurityEvent {
                    event_type: "auth_failure".into(),
                    severity: Severity::Medium,
                    description: format!("Failed login attempt for email: {email}"),
                    ip_address: Some(ip.clone()),
                    extra_data: data(json!({"email": email})),
                }
                .into_event(at),
            );
            self.events.push(
                log_record(
                    at,
                    Level::Warning,
                    logger("users.auth"),
                    "Invalid credentials",
                    data(json!({"email": email, "attempt": 1 + self.dice.below(5)})),
                )
                .at_source("views", "login", 58),
            );
        } else {
            self.request(at, "POST", "/api/users/login/", 200, Some(user));
            self.events.push(
                log_record(
                    at,
                    Level::Info,
                    logger("users.auth"),
                    format!("User logged in: {user}"),
                    data(json!({"user_id": user})),
                )
                .at_source("views", "login", 71)
                .with_context(Context {
                    user_id: Some(UserId::Number(user)),
                    request_id: None,
                    client_ip: Some(ip),
                }),
            );
            self.events.push(
                UserAction {
                    action: "user_login".into(),
                    user_id: UserId::Number(user),
                    user_email: Some(email.into()),
                    extra_data: ExtraData::new(),
                }
                .into_event(at),
            );
            self.events.push(
                Analytics {
                    event_name: "user_login".into(),
                    event_category: "users".into(),
                    user_id: Some(UserId::Number(user)),
                    properties: data(json!({"method": "password"})),
                }
                .into_event(at),
            );
        }
    }

    fn quiet_hour(&mut self) {
        let at = self.now(900);
        match self.dice.below(6) {
            0 => {
                let slug = *self.dice.pick(&[
                    "how-to-tell-bedtime-stories",
                    "drawing-with-kids",
                    "yalda-night-tales",
                ]);
                self.request(at, "GET", &format!("/api/blog/posts/{slug}/"), 200, None);
                self.events.push(
                    log_record(
                        at,
                        Level::Info,
                        logger("blog"),
                        format!("Post viewed: {slug}"),
                        data(json!({"slug": slug})),
                    )
                    .at_source("views", "post_detail", 40),
                );
            }
            1 => {
                self.request(at, "GET", "/api/stories/templates/", 200, None);
            }
            2 => {
                let user = 200 + self.dice.below(100) as i64;
                let email = format!("new.user{user}@example.ir");
                self.request(at, "POST", "/api/users/register/", 201, None);
                self.events.push(
                    log_record(
                        at,
                        Level::Info,
                        logger("users"),
                        format!("User registered: {user}"),
                        data(json!({"user_id": user})),
                    )
                    .at_source("views", "register", 33),
                );
                self.events.push(
                    UserAction {
                        action: "user_registered".into(),
                        user_id: UserId::Number(user),
                        user_email: Some(email),
                        extra_data: ExtraData::new(),
                    }
                    .into_event(at),
                );
                self.events.push(ApiError { error_type: "ValidationError".into(), error_message: "password: This password is too common.".into(), path: "/api/users/register/".into(), method: "POST".into(), user_id: None, request_data: Some(json!({"email": format!("other{user}@example.ir"), "password": "hunter2hunter2", "password_confirm": "hunter2hunter2"})) }.into_event(at));
            }
            3 => {
                let &(user, _) = self.dice.pick(USERS);
                self.request(at, "PATCH", "/api/users/me/", 200, Some(user));
                self.events.push(
                    log_record(
                        at,
                        Level::Info,
                        logger("users"),
                        format!("Profile updated: {user}"),
                        data(json!({"user_id": user, "fields": ["display_name", "avatar"]})),
                    )
                    .at_source("views", "update_profile", 91),
                );
            }
            4 => {
                self.request(at, "GET", "/api/shop/orders/3f2a9c1e-77/", 403, Some(140));
                let ip = self.ip();
                self.events.push(
                    SecurityEvent {
                        event_type: "unauthorized_payment_access".into(),
                        severity: Severity::High,
                        description: "User 140 tried to read another user's order".into(),
                        ip_address: Some(ip),
                        extra_data: data(json!({"order_id": "3f2a9c1e-77", "owner_id": 102})),
                    }
                    .into_event(at),
                );
            }
            _ => {
                self.events.push(log_record(at, Level::Info, logger("core"), "Cache warmed", data(json!({"keys": 120 + self.dice.below(40), "took_ms": self.dice.ms(20.0, 90.0)}))).at_source("cache", "warm", 17));
            }
        }
    }

    fn incidents(&mut self) {
        let at = self.now(600);
        self.events.push(
            log_record(
                at,
                Level::Critical,
                logger("core"),
                "Database connection pool exhausted",
                data(json!({"pool_size": 20, "waiting": 37})),
            )
            .at_source("db", "acquire", 150),
        );
        self.request(at, "GET", "/api/stories/", 503, None);
        // A title typed by a user, with a newline and a terminal escape: the
        // text formats must keep it on one line.
        let at = self.now(600);
        self.events.push(
            log_record(
                at,
                Level::Warning,
                logger("stories"),
                "Rejected story title: \"Hello\nWorld \u{1b}[31mred\u{1b}[0m\"",
                data(json!({"story_id": 5123, "reason": "control characters"})),
            )
            .at_source("validators", "clean_title", 22),
        );
        let at = self.now(600);
        self.events.push(
            SecurityEvent {
                event_type: "brute_force_suspected".into(),
                severity: Severity::Critical,
                description: "25 failed logins in 60s from one address".into(),
                ip_address: Some("185.220.101.7".into()),
                extra_data: data(json!({"window_seconds": 60, "failures": 25})),
            }
            .into_event(at),
        );
        self.events.push(
            log_record(
                at,
                Level::Error,
                logger("django.security.csrf"),
                "Forbidden (CSRF token missing.): /api/shop/cart/",
                ExtraData::new(),
            )
            .at_source("csrf", "_reject", 112),
        );
    }
}

/// The day's events, in order.
pub fn events() -> Vec<Event> {
    let start = Timestamp::parse("2025-12-26T00:00:00Z").expect("valid start");
    let mut day = Day {
        dice: Dice(0x5eed_da7a_2025_1226),
        micros: start.unix_micros(),
        events: Vec::new(),
        thresholds: Thresholds::default(),
    };
    for round in 0..24 {
        day.quiet_hour();
        day.story();
        if round % 2 == 0 {
            day.payment();
        }
        day.login();
        if round == 15 {
            day.incidents();
        }
    }
    day.events
}

#[allow(dead_code)] // Tests include this file for `events` alone.
fn main() {
    let formatter = Formatter::new(Format::Json);
    for event in &events() {
        println!("{}", formatter.format(event));
    }
}
