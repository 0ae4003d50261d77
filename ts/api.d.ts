// The types of the JS API's own arguments and results, beside the generated
// event types of barg.d.ts.

/** A line format. */
export type Format = "simple" | "verbose" | "json";
/** What an event is, decided by its logger. */
export type Kind = "log" | "analytics" | "audit" | "security" | "operation" | "slow_request" | "db_stats" | "http_request" | "api_error";
/** Options of `format` and `formatBatch`. */
export interface FormatOptions { zone?: string }
/** Options of `route` and `routeBatch`. */
export interface RouteOptions { level?: Level }
/** What the sanitizer does; every field has a default. */
export interface SanitizerConfig {
  /** More sensitive keys, in any spelling (`national_id`, `X-Shop-Secret`). */
  extra_keys?: string[];
  /** Keys whose values are kept although a sensitive entry matches them. */
  allowed_keys?: string[];
  /** What a secret is replaced with; `[REDACTED]` by default. */
  replacement?: string;
  /** How a card number is shown: `[REDACTED]`, or its last four digits. */
  card_display?: "redacted" | "last4";
  /** Whether email addresses are masked; off by default. */
  mask_emails?: boolean;
  /** Rules to switch off, by name. */
  disabled_rules?: RuleName[];
  /** Bounds on the work done for one value. */
  limits?: { max_depth?: number; max_nodes?: number; max_string_bytes?: number };
}
/** The sanitizer's rules, by their stable names. */
export type RuleName = "sensitive_key" | "card_number" | "jwt" | "auth_credentials" | "url_password" | "secret_parameter" | "private_key" | "aws_access_key_id" | "iban" | "email" | "depth_limit" | "size_limit";
/** One change the sanitizer made: where (a JSON Pointer), and which rule. */
export interface Redaction { path: string; rule: RuleName }
/** A sanitized value and what was changed. */
export interface Sanitized { value: JsonValue; redactions: Redaction[] }
/** A stable name for what is wrong with an input. */
export type Code = "not_utf8" | "not_json" | "trailing_garbage" | "duplicate_key" | "limit_exceeded" | "wrong_type" | "missing_field" | "unknown_field" | "unknown_level" | "bad_logger" | "bad_timestamp" | "unknown_value" | "out_of_range" | "level_mismatch";
/** One thing wrong with an input: where (a JSON Pointer), what, and why. */
export interface Violation { pointer: string; code: Code; message: string }
/** The validator's verdict: the normalised event exactly when valid. */
export interface Verdict { valid: boolean; event?: Event; violations: Violation[]; warnings: Violation[] }
/** The validator's configuration. */
export interface ValidatorConfig {
  /** `lenient` makes unknown fields warnings. */
  mode?: "strict" | "lenient";
  /** Bounds on one event. */
  limits?: { max_event_bytes?: number; max_depth?: number; max_string_len?: number; max_keys_per_object?: number; max_array_len?: number };
}
/** Options of `prepare` and `Pipeline`. */
export interface PipelineOptions { validation?: ValidatorConfig; sanitizer?: SanitizerConfig; format?: Format; zone?: string }
/** An event after validation, sanitization and formatting. */
export interface Prepared extends Verdict { line?: string; redactions: Redaction[] }
/** The limits past which the seed's monitoring speaks up. */
export interface Thresholds { slow_request_ms?: number; db_query_count?: number; db_total_time_ms?: number }
