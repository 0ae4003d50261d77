// The barg event and its kinds, generated from the Rust types by `cargo test`
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

/** What a producer sends: timestamp (the receiver stamps it) and extra_data may be missing. */
export type EventInput = Omit<Event, "timestamp" | "extra_data"> & { timestamp?: Timestamp, extra_data?: { [key in string]: JsonValue } };
