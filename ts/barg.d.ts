// The barg event, its kinds, and the configuration and reports of the API,
// generated from the Rust types by `cargo test`
// (BARG_BLESS=1 rewrites it). Do not edit.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type Timestamp = string;

export type Level = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

export type LoggerName = string;

export type UserId = number | string;

export type Context = { 
/**
 * The authenticated user, if any.
 */
user_id?: UserId | null, 
/**
 * The request's correlation id.
 */
request_id?: string | null, 
/**
 * The client's address, as `get_client_ip` finds it.
 */
client_ip?: string | null, };

export type Event = { 
/**
 * When it happened.
 */
timestamp: Timestamp, 
/**
 * How severe it is.
 */
level: Level, 
/**
 * Which logger produced it; its kind follows from this name.
 */
logger: LoggerName, 
/**
 * The human-readable message.
 */
message: string, 
/**
 * The source module, Python's `%(module)s`.
 */
module?: string | null, 
/**
 * The function, Python's `%(funcName)s`.
 */
function?: string | null, 
/**
 * The source line, Python's `%(lineno)d`.
 */
line?: number | null, 
/**
 * Who and which request, as the seed's `UserContextMiddleware` attaches.
 */
context?: Context, 
/**
 * Machine-readable data; each event kind defines the keys it needs.
 */
extra_data: { [key in string]: JsonValue }, };

export type Analytics = { 
/**
 * What happened, such as `story_started`.
 */
event_name: string, 
/**
 * The area, such as `stories`.
 */
event_category: string, 
/**
 * Who did it, if known.
 */
user_id?: UserId | null, 
/**
 * Anything else worth counting.
 */
properties: { [key in string]: JsonValue }, };

export type UserAction = { 
/**
 * What the user did, such as `story_completed`.
 */
action: string, 
/**
 * Who did it.
 */
user_id: UserId, 
/**
 * Their email, which the audit trail keeps.
 */
user_email?: string | null, } & ({ [key in string]: number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null });

export type Severity = "low" | "medium" | "high" | "critical";

export type SecurityEvent = { 
/**
 * What kind of incident, such as `auth_failure`.
 */
event_type: string, 
/**
 * How bad it is; decides the level.
 */
severity: Severity, 
/**
 * Where it came from.
 */
ip_address?: string | null, } & ({ [key in string]: number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null });

export type Operation = { 
/**
 * The operation, such as `pdf_generation`.
 */
operation: string, 
/**
 * How long it took.
 */
duration_ms: number, 
/**
 * Whether it succeeded.
 */
success: boolean, 
/**
 * The exception's type when it failed.
 */
error_type?: string | null, 
/**
 * The exception's message when it failed.
 */
error?: string | null, } & ({ [key in string]: number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null });

export type SlowRequest = { 
/**
 * The method.
 */
method: string, 
/**
 * The path.
 */
path: string, 
/**
 * The response status.
 */
status: number, 
/**
 * How long it took.
 */
duration_ms: number, 
/**
 * The limit it passed.
 */
threshold_ms: number, };

export type SlowQuery = { 
/**
 * The SQL text.
 */
sql: string, 
/**
 * How long it took.
 */
time_ms: number, };

export type DbStats = { 
/**
 * The request path, when the stats belong to a request.
 */
path?: string | null, 
/**
 * How many queries ran.
 */
query_count: number, 
/**
 * Their total time.
 */
total_time_ms: number, 
/**
 * The slowest queries, slowest first.
 */
slowest_queries: Array<SlowQuery>, 
/**
 * Set by [`DbStats::into_event`]: whether a threshold was passed.
 */
flagged: boolean, };

export type HttpRequest = { 
/**
 * The method, such as `POST`.
 */
method: string, 
/**
 * The path, without the query.
 */
path: string, 
/**
 * The query string, without the `?`.
 */
query?: string | null, 
/**
 * The response status, 100 to 599.
 */
status: number, 
/**
 * How long the response took.
 */
duration_ms: number, 
/**
 * The user, when authenticated.
 */
user_id?: UserId | null, 
/**
 * The client's address.
 */
client_ip?: string | null, 
/**
 * The client's `User-Agent`.
 */
user_agent?: string | null, };

export type ApiError = { 
/**
 * The exception's type, such as `ValidationError`.
 */
error_type: string, 
/**
 * The exception's message.
 */
error_message: string, 
/**
 * The request path.
 */
path: string, 
/**
 * The request method.
 */
method: string, 
/**
 * The user, when authenticated.
 */
user_id?: UserId | null, 
/**
 * The request body, which the sanitizer cleans before it is written.
 */
request_data?: JsonValue | null, };

export type Kind = "log" | "analytics" | "audit" | "security" | "operation" | "slow_request" | "db_stats" | "http_request" | "api_error";

export type Thresholds = { 
/**
 * A request slower than this, in milliseconds, is a slow request.
 */
slow_request_ms?: number, 
/**
 * More queries than this in one request is high database usage.
 */
db_query_count?: number, 
/**
 * More total query time than this, in milliseconds, is high usage.
 */
db_total_time_ms?: number, };

export type Format = "simple" | "verbose" | "json";

export type RuleName = "sensitive_key" | "card_number" | "jwt" | "auth_credentials" | "url_password" | "secret_parameter" | "private_key" | "aws_access_key_id" | "service_token" | "iban" | "email" | "depth_limit" | "size_limit";

export type Redaction = { 
/**
 * A JSON Pointer (RFC 6901) into the event's JSON shape:
 * `/message`, `/extra_data/request_data/card_number`, `/extra_data/items/0`.
 */
path: string, 
/**
 * The rule that fired.
 */
rule: RuleName, };

export type CardDisplay = "redacted" | "last4";

export type SanitizerLimits = { 
/**
 * Objects and arrays nested deeper than this (counted from `extra_data`,
 * or from the value given) are replaced whole. Default 64.
 */
max_depth?: number, 
/**
 * Values visited per event; values past it are replaced. Default 100 000.
 */
max_nodes?: number, 
/**
 * Strings (and keys) longer than this many bytes are replaced whole.
 * Default 1 MiB.
 */
max_string_bytes?: number, };

export type SanitizerConfig = { 
/**
 * More sensitive keys, in any spelling (`national_id`, `X-Shop-Secret`).
 */
extra_keys?: Array<string>, 
/**
 * Keys whose values are kept although a sensitive entry matches them
 * (`token_count`). Their strings are still scanned by value.
 */
allowed_keys?: Array<string>, 
/**
 * What a secret is replaced with.
 */
replacement?: string, 
/**
 * How a card number found in text is shown.
 */
card_display?: CardDisplay, 
/**
 * Whether email addresses are masked. Off by default: the audit trail
 * records `user_email`.
 */
mask_emails?: boolean, 
/**
 * Rules to switch off, by their names (`iban`, `secret_parameter`, …).
 */
disabled_rules?: Array<Exclude<RuleName, "depth_limit" | "size_limit">>, 
/**
 * Bounds on the work done for one event or value.
 */
limits?: SanitizerLimits, };

export type Code = "not_utf8" | "not_json" | "trailing_garbage" | "duplicate_key" | "limit_exceeded" | "wrong_type" | "missing_field" | "unknown_field" | "unknown_level" | "bad_logger" | "bad_timestamp" | "unknown_value" | "out_of_range" | "level_mismatch";

export type Violation = { 
/**
 * A JSON Pointer (RFC 6901) to the offending place, such as
 * `/extra_data/severity`; for a missing field, where it should be; the
 * empty pointer for the input as a whole.
 */
pointer: string, 
/**
 * What kind of problem it is.
 */
code: Code, 
/**
 * What is wrong, for people.
 */
message: string, };

export type ValidationMode = "strict" | "lenient";

export type ValidatorLimits = { 
/**
 * The size of one event in bytes, before anything is read. Default 64 KiB.
 */
max_event_bytes?: number, 
/**
 * How deeply objects and arrays may nest; the event object itself is
 * depth 1. Default 32.
 */
max_depth?: number, 
/**
 * The length of any string, keys included, in bytes of UTF-8.
 * Default 16 KiB.
 */
max_string_len?: number, 
/**
 * How many keys any one object may have. Default 256.
 */
max_keys_per_object?: number, 
/**
 * How many elements any one array may have. Default 1024.
 */
max_array_len?: number, };

export type ValidatorConfig = { 
/**
 * Whether unknown fields are violations or warnings.
 */
mode?: ValidationMode, 
/**
 * The bounds on one event.
 */
limits?: ValidatorLimits, };

/** What a producer sends: timestamp (the receiver stamps it) and extra_data may be missing. */
export type EventInput = Omit<Event, "timestamp" | "extra_data"> & { timestamp?: Timestamp, extra_data?: { [key in string]: JsonValue } };
