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
