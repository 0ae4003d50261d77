//! The sanitizer: secrets never reach a log line.
//!
//! [`Sanitizer::sanitize`] redacts an [`Event`] in place, by key anywhere in
//! `extra_data` and the context (see [`keys::BUILTIN_KEYS`]), and by value in
//! every string, the message included (see [`scan`]). It returns a
//! [`Report`] of the paths it changed and the rule that fired, never the
//! secret. [`Sanitizer::sanitize_value`] does the same for any JSON value,
//! such as an event that failed validation.
//!
//! The traversal keeps its own stack, so depth costs no call stack, and it
//! stops descending at [`Limits`]: past a limit the rest is replaced, never
//! kept unexamined.

pub mod config;
pub mod keys;
#[cfg(feature = "cli")]
mod memo;
pub mod scan;
mod tree;

use std::collections::BinaryHeap;
use std::fmt::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::event::{Context, Event, UserId};
use crate::logger::LoggerName;
use crate::validate::json::{Json, Object};

use config::Compiled;
pub use config::{CardDisplay, ConfigError, Limits, SanitizerConfig};
use scan::Span;
use tree::{Entries, Kind, Text, Tree};

/// A rule that can redact something, by its stable snake_case name.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", ts(rename = "RuleName"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The key is sensitive ([`keys::BUILTIN_KEYS`] or `extra_keys`).
    SensitiveKey,
    /// A payment card number ([`scan::card`]).
    CardNumber,
    /// A JSON Web Token ([`scan::jwt`]).
    Jwt,
    /// A `Bearer`, `Basic` or `Token` credential ([`scan::auth`]).
    AuthCredentials,
    /// A password in a URL ([`scan::url`]).
    UrlPassword,
    /// The value of a sensitive parameter in text ([`scan::param`]).
    SecretParameter,
    /// A PEM private key block ([`scan::pem`]).
    PrivateKey,
    /// An AWS access key id ([`scan::aws`]).
    AwsAccessKeyId,
    /// A token of a known service, by its prefix ([`scan::token`]).
    ServiceToken,
    /// An IBAN or Sheba number ([`scan::iban`]).
    Iban,
    /// An email address, when `mask_emails` is on ([`scan::email`]).
    Email,
    /// Nested deeper than `limits.max_depth`: replaced whole.
    DepthLimit,
    /// Past `limits.max_nodes` or `limits.max_string_bytes`: replaced whole.
    SizeLimit,
}

impl Rule {
    /// The rules that configuration can switch off.
    pub const CONFIGURABLE: [Rule; 11] = [
        Rule::SensitiveKey,
        Rule::CardNumber,
        Rule::Jwt,
        Rule::AuthCredentials,
        Rule::UrlPassword,
        Rule::SecretParameter,
        Rule::PrivateKey,
        Rule::AwsAccessKeyId,
        Rule::ServiceToken,
        Rule::Iban,
        Rule::Email,
    ];

    /// The stable name, as in reports and configuration.
    pub fn name(self) -> &'static str {
        match self {
            Rule::SensitiveKey => "sensitive_key",
            Rule::CardNumber => "card_number",
            Rule::Jwt => "jwt",
            Rule::AuthCredentials => "auth_credentials",
            Rule::UrlPassword => "url_password",
            Rule::SecretParameter => "secret_parameter",
            Rule::PrivateKey => "private_key",
            Rule::AwsAccessKeyId => "aws_access_key_id",
            Rule::ServiceToken => "service_token",
            Rule::Iban => "iban",
            Rule::Email => "email",
            Rule::DepthLimit => "depth_limit",
            Rule::SizeLimit => "size_limit",
        }
    }

    /// The configurable rule with this name.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::CONFIGURABLE.into_iter().find(|r| r.name() == name)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One change the sanitizer made: where, and which rule. Never the secret.
#[cfg_attr(feature = "schema", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redaction {
    /// A JSON Pointer (RFC 6901) into the event's JSON shape:
    /// `/message`, `/extra_data/request_data/card_number`, `/extra_data/items/0`.
    pub path: String,
    /// The rule that fired.
    pub rule: Rule,
}

/// The most bytes that the paths of one [`Report`] hold. A path repeats
/// every key above it, so under a deep path of long keys the paths of many
/// redactions would add up to the square of the value's size; past this
/// bound a call still redacts, and counts what it does not list.
pub const MAX_REPORT_PATH_BYTES: usize = 1 << 20;

/// What one call changed, in the order it was found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes; a path appears once per rule that fired there.
    pub redactions: Vec<Redaction>,
    /// How many more changes were made than are listed, once the paths
    /// listed reached [`MAX_REPORT_PATH_BYTES`]; usually 0.
    pub unlisted: usize,
}

impl Report {
    /// True when nothing was changed.
    pub fn is_empty(&self) -> bool {
        self.redactions.is_empty() && self.unlisted == 0
    }

    /// How many redactions `rule` made.
    pub fn count(&self, rule: Rule) -> usize {
        self.redactions.iter().filter(|r| r.rule == rule).count()
    }

    /// Adds what a later call on the same event changed, as
    /// [`Sanitizer::sanitize_parts`] of [`Parts::Text`] then [`Parts::Data`]
    /// reports it.
    pub fn append(&mut self, later: Report) {
        self.redactions.extend(later.redactions);
        self.unlisted += later.unlisted;
    }

    fn add(&mut self, path: String, rule: Rule) {
        self.redactions.push(Redaction { path, rule });
    }
}

/// Redacts secrets from events and JSON values. Build it once from a
/// [`SanitizerConfig`]; it is immutable, cheap to share and `Send + Sync`.
///
/// ```
/// use barg::{Event, Level, LoggerName, Sanitizer, Timestamp};
///
/// let mut event = Event::new(
///     Timestamp::parse("2025-12-26T10:30:45Z")?,
///     Level::Info,
///     LoggerName::new("shop.payments")?,
///     "paid with 4111 1111 1111 1111",
/// );
/// event.extra_data.insert("password".into(), "hunter2".into());
/// let report = Sanitizer::default().sanitize(&mut event);
/// assert_eq!(event.message, "paid with [REDACTED]");
/// assert_eq!(event.extra_data["password"], "[REDACTED]");
/// assert_eq!(report.redactions.len(), 2);
/// assert_eq!(report.redactions[0].path, "/message");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sanitizer {
    config: Compiled,
}

impl Default for Sanitizer {
    /// The built-in rules and limits.
    fn default() -> Self {
        Sanitizer {
            config: SanitizerConfig::default().build(Vec::new(), Vec::new(), Vec::new()),
        }
    }
}

/// One step of a JSON Pointer.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of the value being visited: its base and one step per
/// container it is in. The traversal is depth first, so when a value at
/// depth `d` is visited, the first `d - 1` steps are already its parent's;
/// the trail holds no more than the depth, and paths are only written out
/// when something is redacted.
struct Trail<'a> {
    base: &'a str,
    steps: Vec<Step<'a>>,
    /// The length of the path written out up to each of the first steps,
    /// counted when asked for and kept while those steps stay.
    lens: Vec<usize>,
}

impl<'a> Trail<'a> {
    fn new(base: &'a str) -> Trail<'a> {
        Trail {
            base,
            steps: Vec::new(),
            lens: Vec::new(),
        }
    }

    /// Moves to a value at `depth`, reached from its parent by `step`.
    fn enter(&mut self, depth: usize, step: Option<Step<'a>>) {
        self.steps.truncate(depth.saturating_sub(1));
        self.lens.truncate(self.steps.len());
        self.steps.extend(step);
    }

    /// The length of [`Trail::render`]'s path. Each step is counted once
    /// while it stays, so that many redactions under one long path cost
    /// no more than their own steps.
    fn len(&mut self) -> usize {
        while let Some(step) = self.steps.get(self.lens.len()) {
            let before = self.lens.last().copied().unwrap_or(self.base.len());
            let step = match step {
                Step::Key(key) => escaped_len(key),
                Step::Index(i) => i.checked_ilog10().unwrap_or(0) as usize + 1,
            };
            self.lens.push(before + 1 + step);
        }
        self.lens.last().copied().unwrap_or(self.base.len())
    }

    fn render(&self) -> String {
        let steps: usize = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Key(key) => key.len() + 1,
                Step::Index(_) => 4,
            })
            .sum();
        let mut path = String::with_capacity(self.base.len() + steps);
        path.push_str(self.base);
        for step in &self.steps {
            path.push('/');
            match step {
                Step::Key(key) => push_escaped(&mut path, key),
                Step::Index(i) => {
                    // Writing into a String cannot fail.
                    let _ = write!(path, "{i}");
                }
            }
        }
        path
    }
}

/// The length of `key` as [`push_escaped`] writes it.
fn escaped_len(key: &str) -> usize {
    key.len() + key.bytes().filter(|&b| b == b'~' || b == b'/').count()
}

/// Appends a JSON Pointer reference token: `~` as `~0`, `/` as `~1`.
fn push_escaped(path: &mut String, key: &str) {
    if !key.bytes().any(|b| b == b'~' || b == b'/') {
        path.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// A value waiting on the traversal's stack.
struct Pending<'a, T> {
    value: &'a mut T,
    /// The step from its parent; none for the value a walk starts from.
    step: Option<Step<'a>>,
    /// How many containers enclose it.
    depth: usize,
    visit: Visit,
}

/// What to do with a pending value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// Scan it, and what it contains.
    Scan,
    /// Replace it whole: its key is sensitive.
    Redact,
}

/// The fields of an event that [`Sanitizer::sanitize_parts`] redacts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parts {
    /// Every field.
    Whole,
    /// `message`, `module`, `function` and `logger`: all that the text
    /// formats (simple, verbose) write.
    Text,
    /// `context` and `extra_data`, which only the JSON format writes.
    Data,
}

/// The state of one call: the report and the budget spent.
struct Run<'s> {
    sanitizer: &'s Sanitizer,
    report: Report,
    /// The bytes of the paths listed in `report`.
    listed: usize,
    nodes: usize,
    spans: Vec<Span>,
    cards: scan::card::Cards,
    /// The last text redacted.
    clean: String,
    fired: Vec<Rule>,
}

impl Sanitizer {
    /// Checks `config` and compiles it.
    pub fn new(config: &SanitizerConfig) -> Result<Sanitizer, ConfigError> {
        Ok(Sanitizer {
            config: config.compile()?,
        })
    }

    /// Redacts `event` in place and reports what changed.
    pub fn sanitize(&self, event: &mut Event) -> Report {
        self.sanitize_parts(event, Parts::Whole)
    }

    /// Redacts the fields of `event` that `parts` names, in place, and
    /// reports what changed. [`Parts::Whole`] is [`Sanitizer::sanitize`];
    /// [`Parts::Text`] then [`Parts::Data`] redact the same and report the
    /// same, in the same order.
    pub fn sanitize_parts(&self, event: &mut Event, parts: Parts) -> Report {
        let mut run = self.run();
        if parts != Parts::Data {
            run.text_fields(event);
        }
        if parts != Parts::Text {
            run.data_fields(event);
        }
        std::mem::take(&mut run.report)
    }

    /// Redacts any JSON value in place (an event that failed validation, a
    /// request body) and reports what changed. Paths start at the value:
    /// `/message`, `/extra_data/password`, or the empty pointer for a bare
    /// string.
    pub fn sanitize_value(&self, value: &mut Value) -> Report {
        let mut run = self.run();
        run.walk(value, "");
        std::mem::take(&mut run.report)
    }

    /// [`Sanitizer::sanitize_parts`] of [`Parts::Data`] for an event whose
    /// `extra_data` is still the validator's tree: the context and the
    /// tree are redacted in place, and reported as the built event's would
    /// be. Only what is redacted is copied out of the input.
    pub(crate) fn sanitize_data_tree(
        &self,
        context: &mut Context,
        extra_data: &mut Object<'_>,
    ) -> Report {
        // Most data holds no secret, and a look that changes nothing costs
        // less than the walk that would change it.
        let clean = self.data_is_clean(extra_data);
        let mut run = self.run();
        run.context(context);
        if !clean {
            run.walk_map::<Json<'_>>(extra_data, "/extra_data");
        }
        std::mem::take(&mut run.report)
    }

    /// Whether sanitizing `object` as an event's `extra_data` would change
    /// nothing in it, decided on the validator's tree.
    fn data_is_clean(&self, object: &Object<'_>) -> bool {
        self.run().data_is_clean(object)
    }

    /// Redacts secrets in one piece of text; `None` when there were none.
    /// Keys are not involved: this is the by-value half of the sanitizer.
    pub fn sanitize_text(&self, text: &str) -> Option<String> {
        let mut run = self.run();
        run.scan_text(text).then(|| std::mem::take(&mut run.clean))
    }

    fn run(&self) -> Run<'_> {
        let Spare {
            spans,
            cards,
            fired,
            clean,
        } = Spare::take();
        Run {
            sanitizer: self,
            report: Report::default(),
            listed: 0,
            nodes: 0,
            spans,
            cards,
            fired,
            clean,
        }
    }

    fn enabled(&self, rule: Rule) -> bool {
        self.config.enabled.contains(rule)
    }
}

/// The buffers of a run that hold no borrow: on native builds a thread's
/// calls lend them from one to the next, so that sanitizing an event
/// allocates nothing for its scan of the strings.
#[derive(Default)]
struct Spare {
    spans: Vec<Span>,
    cards: scan::card::Cards,
    fired: Vec<Rule>,
    clean: String,
}

#[cfg(feature = "cli")]
thread_local! {
    static SPARE: std::cell::Cell<Option<Spare>> = const { std::cell::Cell::new(None) };
}

impl Spare {
    /// Bytes a buffer may hold to be kept for the next call: a run that
    /// scanned a huge string does not leave it allocated.
    #[cfg(feature = "cli")]
    const KEPT_BYTES: usize = 64 * 1024;

    /// The buffers the last call on this thread gave back, or new ones.
    fn take() -> Spare {
        #[cfg(feature = "cli")]
        if let Ok(Some(spare)) = SPARE.try_with(std::cell::Cell::take) {
            return spare;
        }
        Spare::default()
    }

    /// Keeps the buffers for the next call on this thread.
    fn give_back(self) {
        #[cfg(feature = "cli")]
        {
            let small = self.clean.capacity() <= Spare::KEPT_BYTES
                && self.spans.capacity() * std::mem::size_of::<Span>() <= Spare::KEPT_BYTES
                && self.cards.capacity_bytes() <= Spare::KEPT_BYTES;
            if small {
                let _ = SPARE.try_with(|spare| spare.set(Some(self)));
            }
        }
    }
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        Spare {
            spans: std::mem::take(&mut self.spans),
            cards: std::mem::take(&mut self.cards),
            fired: std::mem::take(&mut self.fired),
            clean: std::mem::take(&mut self.clean),
        }
        .give_back();
    }
}

impl Run<'_> {
    fn config(&self) -> &Compiled {
        &self.sanitizer.config
    }

    fn is_sensitive_key(&self, key: &str) -> bool {
        self.sanitizer.enabled(Rule::SensitiveKey) && key_matches(self.config(), key)
    }

    /// Scans one string field, reporting at `path`.
    fn text_field(&mut self, text: &mut String, path: &str) {
        if self.scan_text(text) {
            self.write_clean(text);
            self.add_fired(path);
        }
    }

    /// `message`, `module`, `function` and `logger`.
    fn text_fields(&mut self, event: &mut Event) {
        self.text_field(&mut event.message, "/message");
        if let Some(module) = &mut event.module {
            self.text_field(module, "/module");
        }
        if let Some(function) = &mut event.function {
            self.text_field(function, "/function");
        }
        self.logger(&mut event.logger);
    }

    /// `context` and `extra_data`.
    fn data_fields(&mut self, event: &mut Event) {
        self.context(&mut event.context);
        self.walk_map::<Value>(&mut event.extra_data, "/extra_data");
    }

    fn context(&mut self, context: &mut Context) {
        if let Some(user_id) = &mut context.user_id {
            self.user_id(user_id);
        }
        for (name, path, field) in [
            ("request_id", "/context/request_id", &mut context.request_id),
            ("client_ip", "/context/client_ip", &mut context.client_ip),
        ] {
            if let Some(text) = field {
                if self.is_sensitive_key(name) {
                    *text = self.config().replacement.clone();
                    self.add(path, Rule::SensitiveKey);
                } else {
                    self.text_field(text, path);
                }
            }
        }
    }

    fn logger(&mut self, logger: &mut LoggerName) {
        if self.scan_text(logger.as_str()) {
            // A logger name cannot hold the replacement's brackets; a fixed
            // valid name stands in for it.
            if let Ok(name) = LoggerName::new("redacted") {
                *logger = name;
            }
            self.add_fired("/logger");
        }
    }

    fn user_id(&mut self, user_id: &mut UserId) {
        let path = "/context/user_id";
        if self.is_sensitive_key("user_id") {
            *user_id = UserId::Text(self.config().replacement.clone());
            self.add(path, Rule::SensitiveKey);
            return;
        }
        let found = match user_id {
            UserId::Text(text) => self.scan_text(text),
            UserId::Number(n) => self.scan_number(&n.to_string()),
        };
        if found {
            *user_id = UserId::Text(self.clean.clone());
            self.add_fired(path);
        }
    }

    /// Whether `text` holds a secret. When it does, the redacted text is
    /// left in `self.clean` and the rules that fired in `self.fired`.
    fn scan_text(&mut self, text: &str) -> bool {
        self.fired.clear();
        let sanitizer: &Sanitizer = self.sanitizer;
        let config = &sanitizer.config;
        if text.len() > config.limits.max_string_bytes {
            self.fired.push(Rule::SizeLimit);
            self.clean.clear();
            self.clean.push_str(&config.replacement);
            return true;
        }
        self.spans.clear();
        let is_sensitive = |key: &str| key_matches(config, key);
        let spans = &mut self.spans;
        scan::find_all(text, config.scanners, &is_sensitive, &mut self.cards, spans);
        self.redact(text)
    }

    /// [`Run::scan_text`] of a key; with it, when it comes at no extra
    /// cost, whether the key is sensitive ([`key_matches`]). On native
    /// builds a clean key is remembered with that answer, and neither
    /// scanned nor matched again on this thread.
    fn scan_key(&mut self, key: &str) -> (bool, Option<bool>) {
        #[cfg(feature = "cli")]
        {
            let config = self.config().memo;
            let known = memo::verdict(config, key);
            if known & (memo::CLEAN | memo::SENSITIVE_KNOWN) == memo::CLEAN | memo::SENSITIVE_KNOWN
            {
                self.fired.clear();
                return (false, Some(known & memo::SENSITIVE != 0));
            }
            if self.scan_text(key) {
                return (true, None);
            }
            let sensitive = key_matches_uncached(self.config(), key);
            let bits = if sensitive { memo::SENSITIVE } else { 0 };
            memo::remember(config, key, memo::CLEAN | memo::SENSITIVE_KNOWN | bits);
            (false, Some(sensitive))
        }
        #[cfg(not(feature = "cli"))]
        (self.scan_text(key), None)
    }

    /// A JSON integer of card length is scanned as digits, as
    /// [`Run::scan_text`] scans text.
    fn scan_number(&mut self, digits: &str) -> bool {
        self.fired.clear();
        if digits.len() < 13 || !self.sanitizer.enabled(Rule::CardNumber) {
            return false;
        }
        self.spans.clear();
        scan::card::find(digits, &mut self.spans);
        self.redact(digits)
    }

    /// Writes `text` with the spans found into `self.clean`; false when
    /// there were none.
    fn redact(&mut self, text: &str) -> bool {
        if self.spans.is_empty() {
            return false;
        }
        let config = &self.sanitizer.config;
        redact(
            text,
            &mut self.spans,
            config,
            &mut self.fired,
            &mut self.clean,
        );
        true
    }

    /// Replaces `text` with the redacted text, in its own buffer when it
    /// fits.
    fn write_clean(&self, text: &mut String) {
        text.clear();
        text.push_str(&self.clean);
    }

    /// Walks a JSON value from `base`, with an explicit stack.
    fn walk<T: Tree>(&mut self, root: &mut T, base: &str) {
        let mut trail = Trail::new(base);
        let mut stack = vec![Pending {
            value: root,
            step: None,
            depth: 0,
            visit: Visit::Scan,
        }];
        self.nodes += 1;
        while let Some(pending) = stack.pop() {
            self.visit(pending, &mut trail, &mut stack);
        }
    }

    /// Walks an object given as its entries (`extra_data`), which are at
    /// depth 1.
    fn walk_map<T: Tree>(&mut self, map: &mut T::Object, base: &str) {
        let mut trail = Trail::new(base);
        // Room for the entries, pushed at once: the stack is not grown for
        // a flat object.
        let mut stack = Vec::with_capacity(map.len().min(self.config().limits.max_nodes));
        if map.len() > self.config().limits.max_nodes {
            map.clear();
            self.add(base, Rule::SizeLimit);
            return;
        }
        self.nodes += map.len();
        self.object::<T>(map, 0, &mut trail, &mut stack);
        while let Some(pending) = stack.pop() {
            self.visit(pending, &mut trail, &mut stack);
        }
    }

    fn visit<'a, T: Tree>(
        &mut self,
        pending: Pending<'a, T>,
        trail: &mut Trail<'a>,
        stack: &mut Vec<Pending<'a, T>>,
    ) {
        let Pending {
            value,
            step,
            depth,
            visit,
        } = pending;
        trail.enter(depth, step);
        let kind = value.kind();
        if visit == Visit::Redact {
            // A null or a boolean under a sensitive key holds nothing to
            // hide (`token_expired: true`, `cookies_enabled: false`).
            if matches!(kind, Kind::Null | Kind::Scalar) {
                return;
            }
            let replacement = &self.sanitizer.config.replacement;
            match value.text() {
                Some(text) => text.set(replacement),
                None => value.replace(replacement),
            }
            self.add_at(trail, Rule::SensitiveKey);
            return;
        }
        if kind == Kind::Number {
            let digits = match value.number() {
                Some(n) if may_be_card(n) => n.to_string(),
                _ => return,
            };
            if self.scan_number(&digits) {
                value.replace(&self.clean);
                self.report_fired(trail);
            }
            return;
        }
        if matches!(kind, Kind::Array | Kind::Object) {
            if let Some(rule) = self.over_limit(depth, value.children()) {
                value.replace(&self.config().replacement);
                self.add_at(trail, rule);
                return;
            }
        }
        match kind {
            Kind::String => {
                if let Some(text) = value.text() {
                    if self.scan_text(text.get()) {
                        text.set(&self.clean);
                        self.report_fired(trail);
                    }
                }
            }
            Kind::Array => {
                let items = value.items().unwrap_or_default();
                for (i, item) in items.iter_mut().enumerate().rev() {
                    stack.push(Pending {
                        value: item,
                        step: Some(Step::Index(i)),
                        depth: depth + 1,
                        visit: Visit::Scan,
                    });
                }
            }
            Kind::Object => {
                if let Some(map) = value.object() {
                    self.object(map, depth, trail, stack);
                }
            }
            Kind::Null | Kind::Scalar | Kind::Number => {}
        }
    }

    /// Whether [`Run::walk_map`] would change nothing in `object`: the same
    /// scans and limits, in another order (which the node count does not
    /// depend on, as long as nothing is cut), on the validator's tree.
    fn data_is_clean(&mut self, object: &Object<'_>) -> bool {
        if object.len() > self.config().limits.max_nodes {
            return false;
        }
        self.nodes += object.len();
        let mut stack = Vec::new();
        if !self.entries_clean(object, 1, &mut stack) {
            return false;
        }
        while let Some((value, depth)) = stack.pop() {
            let clean = match value {
                Json::Null | Json::Bool(_) => true,
                Json::Number(n) => !may_be_card(n) || !self.scan_number(&n.to_string()),
                Json::String(text) => !self.scan_text(text),
                Json::Array(items) => {
                    let entered = self.over_limit(depth, items.len()).is_none();
                    stack.extend(items.iter().map(|item| (item, depth + 1)));
                    entered
                }
                Json::Object(object) => {
                    self.over_limit(depth, object.len()).is_none()
                        && self.entries_clean(object, depth + 1, &mut stack)
                }
            };
            if !clean {
                return false;
            }
        }
        true
    }

    /// [`Run::object`]'s part of [`Run::data_is_clean`]: false when a key
    /// would be rewritten or a value under a sensitive key redacted (a
    /// `null` or a boolean stays as it is); the values are queued at `depth`.
    fn entries_clean<'j, 'a>(
        &mut self,
        object: &'j Object<'a>,
        depth: usize,
        stack: &mut Vec<(&'j Json<'a>, usize)>,
    ) -> bool {
        for (key, value) in object {
            let sensitive = match self.scan_key(key) {
                (true, _) => return false,
                (false, Some(sensitive)) => self.sanitizer.enabled(Rule::SensitiveKey) && sensitive,
                (false, None) => self.is_sensitive_key(key),
            };
            if sensitive && !matches!(value, Json::Null | Json::Bool(_)) {
                return false;
            }
            if !sensitive {
                stack.push((value, depth));
            }
        }
        true
    }

    /// Whether a container at `depth` with `children` may be entered; the
    /// rule that stops it when not.
    fn over_limit(&mut self, depth: usize, children: usize) -> Option<Rule> {
        let limits = self.config().limits;
        if depth >= limits.max_depth {
            return Some(Rule::DepthLimit);
        }
        if self.nodes.saturating_add(children) > limits.max_nodes {
            return Some(Rule::SizeLimit);
        }
        self.nodes += children;
        None
    }

    /// Redacts an object's sensitive keys and queues its other values. Keys
    /// are scanned by value too: a secret used as a key is redacted in it.
    fn object<'a, T: Tree>(
        &mut self,
        map: &'a mut T::Object,
        depth: usize,
        trail: &mut Trail<'a>,
        stack: &mut Vec<Pending<'a, T>>,
    ) {
        let known = self.clean_keys::<T>(map, trail);
        let enabled = self.sanitizer.enabled(Rule::SensitiveKey);
        for (i, (key, child)) in map.entries().enumerate().rev() {
            let sensitive = match known.of(i) {
                Some(sensitive) => enabled && sensitive,
                None => self.is_sensitive_key(key),
            };
            let visit = if sensitive {
                Visit::Redact
            } else {
                Visit::Scan
            };
            stack.push(Pending {
                value: child,
                step: Some(Step::Key(key)),
                depth: depth + 1,
                visit,
            });
        }
    }

    /// Rewrites the keys of `map` that hold secrets, keeping the order and
    /// every entry (a clash gets a `#n` suffix). Gives what was learnt on
    /// the way of which keys are sensitive, when no key was rewritten.
    fn clean_keys<T: Tree>(&mut self, map: &mut T::Object, trail: &mut Trail<'_>) -> KnownKeys {
        let mut changed: Vec<(usize, String, Vec<Rule>)> = Vec::new();
        let mut known = KnownKeys::default();
        for (i, key) in map.keys().enumerate() {
            match self.scan_key(key) {
                (true, _) => {
                    changed.push((i, self.clean.clone(), std::mem::take(&mut self.fired)));
                }
                (false, Some(sensitive)) => known.set(i, sensitive),
                (false, None) => {}
            }
        }
        if changed.is_empty() {
            return known;
        }
        // The new keys must clash with no key of the object, kept or
        // renamed, or an entry would be lost: a clash gets a `#n` suffix.
        let mut assigned = Map::new();
        let mut suffix = 1;
        for (_, clean, rules) in &mut changed {
            let mut name = clean.clone();
            while map.contains_key(&name) || assigned.contains_key(&name) {
                suffix += 1;
                name = format!("{clean}#{suffix}");
            }
            assigned.insert(name.clone(), Value::Null);
            let len = trail.len() + 1 + escaped_len(&name);
            self.add_rules(rules, len, &|| {
                let mut path = trail.render();
                path.push('/');
                push_escaped(&mut path, &name);
                path
            });
            *clean = name;
        }
        map.rename(changed.into_iter().map(|(i, name, _)| (i, name)).collect());
        KnownKeys::default()
    }

    /// Lists what the scanners fired at the path of `trail`.
    fn report_fired(&mut self, trail: &mut Trail<'_>) {
        let (fired, len) = (std::mem::take(&mut self.fired), trail.len());
        self.add_rules(&fired, len, &|| trail.render());
    }

    /// Lists what the scanners fired at `path`.
    fn add_fired(&mut self, path: &str) {
        let fired = std::mem::take(&mut self.fired);
        self.add_rules(&fired, path.len(), &|| path.to_owned());
    }

    /// Whether a change at a path of `len` bytes is listed: while the
    /// paths listed stay within [`MAX_REPORT_PATH_BYTES`]. Else it is
    /// counted as unlisted.
    fn lists(&mut self, len: usize) -> bool {
        if self.listed.saturating_add(len) > MAX_REPORT_PATH_BYTES {
            self.report.unlisted += 1;
            return false;
        }
        self.listed += len;
        true
    }

    /// Lists a change at `path`.
    fn add(&mut self, path: &str, rule: Rule) {
        self.add_rules(&[rule], path.len(), &|| path.to_owned());
    }

    /// Lists a change at the path of `trail`.
    fn add_at(&mut self, trail: &mut Trail<'_>, rule: Rule) {
        let len = trail.len();
        self.add_rules(&[rule], len, &|| trail.render());
    }

    /// Lists a change by each of `rules` at one path of `len` bytes, which
    /// `path` writes out once, when the first is listed.
    /// Not generic, so that one copy serves every caller.
    fn add_rules(&mut self, rules: &[Rule], len: usize, path: &dyn Fn() -> String) {
        let mut written = None;
        for &rule in rules {
            if self.lists(len) {
                let path = written.get_or_insert_with(path);
                self.report.add(path.clone(), rule);
            }
        }
    }
}

/// Which of an object's first 64 keys are known to be sensitive, and which
/// not, by their index.
#[derive(Default)]
struct KnownKeys {
    known: u64,
    sensitive: u64,
}

impl KnownKeys {
    fn set(&mut self, i: usize, sensitive: bool) {
        if i < 64 {
            self.known |= 1 << i;
            self.sensitive |= u64::from(sensitive) << i;
        }
    }

    fn of(&self, i: usize) -> Option<bool> {
        (i < 64 && self.known & (1 << i) != 0).then(|| self.sensitive & (1 << i) != 0)
    }
}

/// Whether a JSON number may be a card number: only integers of thirteen
/// digits or more can be.
fn may_be_card(n: &serde_json::Number) -> bool {
    n.as_u64().is_some_and(|u| u >= 1_000_000_000_000)
        || n.as_i64().is_some_and(|i| i <= -1_000_000_000_000)
}

/// True when `key` is sensitive under `config`: some run of its words
/// spells a sensitive entry, and it is not allowed. On native builds the
/// answer is remembered per thread: keys repeat from event to event.
fn key_matches(config: &Compiled, key: &str) -> bool {
    #[cfg(feature = "cli")]
    {
        let known = memo::verdict(config.memo, key);
        if known & memo::SENSITIVE_KNOWN != 0 {
            return known & memo::SENSITIVE != 0;
        }
        let sensitive = key_matches_uncached(config, key);
        let bits = if sensitive { memo::SENSITIVE } else { 0 };
        memo::remember(config.memo, key, memo::SENSITIVE_KNOWN | bits);
        sensitive
    }
    #[cfg(not(feature = "cli"))]
    key_matches_uncached(config, key)
}

fn key_matches_uncached(config: &Compiled, key: &str) -> bool {
    config.sensitive.matches(key) && !config.allowed.contains_key(key)
}

/// Writes `text` with `spans` replaced into `out`, merging overlapping
/// spans. The rules that fired go to `fired`, each once, in the order first
/// found.
fn redact(
    text: &str,
    spans: &mut [Span],
    config: &Compiled,
    fired: &mut Vec<Rule>,
    out: &mut String,
) {
    if spans.len() > 1 {
        // In order of start and end, and of finding where those tie: a
        // stable sort, through a heap of (start, end, index), whose code is
        // a fraction of another instance of the slice sort in the wasm build.
        let heap: BinaryHeap<(usize, usize, usize)> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.start, s.end, i))
            .collect();
        let sorted: Vec<Span> = heap
            .into_sorted_vec()
            .iter()
            .map(|&(_, _, i)| spans[i])
            .collect();
        spans.copy_from_slice(&sorted);
    }
    out.clear();
    out.reserve(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < spans.len() {
        let group = i;
        let first = spans[i];
        let mut end = first.end;
        let mut only_card = first.rule == Rule::CardNumber;
        let mut last4 = first.last4;
        i += 1;
        while i < spans.len() && spans[i].start < end {
            end = end.max(spans[i].end);
            only_card &= spans[i].rule == Rule::CardNumber;
            if spans[i].last4 != last4 || spans[i].end > first.end {
                // Two cards run together: show neither's digits.
                last4 = None;
            }
            i += 1;
        }
        for span in &spans[group..i] {
            if !fired.contains(&span.rule) {
                fired.push(span.rule);
            }
        }
        out.push_str(&text[copied..first.start]);
        match (config.card_display, only_card, last4) {
            (CardDisplay::Last4, true, Some(digits)) => {
                out.push_str("[CARD ****");
                out.extend(digits.iter().map(|&d| char::from(d)));
                out.push(']');
            }
            _ => out.push_str(&config.replacement),
        }
        copied = end;
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_configuration_is_valid() {
        assert!(SanitizerConfig::default().compile().is_ok());
    }

    #[test]
    fn rule_names_round_trip() {
        for rule in Rule::CONFIGURABLE {
            assert_eq!(Rule::from_name(rule.name()), Some(rule));
            let json = serde_json::to_value(rule).unwrap_or_default();
            assert_eq!(json, rule.name());
        }
        assert_eq!(Rule::from_name("depth_limit"), None);
    }

    #[test]
    fn a_trail_knows_its_rendered_length() {
        let mut trail = Trail::new("/extra_data");
        let steps = [
            (1, Step::Key("a/b~c")),
            (2, Step::Index(0)),
            (3, Step::Index(10)),
            (2, Step::Index(999)),
            (3, Step::Key("")),
            (1, Step::Key("é")),
        ];
        assert_eq!(trail.len(), trail.render().len());
        for (depth, step) in steps {
            trail.enter(depth, Some(step));
            assert_eq!(trail.len(), trail.render().len(), "{}", trail.render());
        }
    }

    #[test]
    fn overlapping_spans_merge() {
        let config = SanitizerConfig::default()
            .compile()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut fired = Vec::new();
        let mut spans = [
            Span::new(2, 6, Rule::Jwt),
            Span::new(4, 9, Rule::AuthCredentials),
            Span::new(11, 12, Rule::Iban),
        ];
        let mut out = String::new();
        redact(
            "0123456789abcdef",
            &mut spans,
            &config,
            &mut fired,
            &mut out,
        );
        assert_eq!(out, "01[REDACTED]9a[REDACTED]cdef");
        assert_eq!(fired, [Rule::Jwt, Rule::AuthCredentials, Rule::Iban]);
    }
}
