/** A severity level; `WARN`, `FATAL` and any letter case are read too. */
export type Level = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";
/** A line format. */
export type Format = "simple" | "verbose" | "json";
/** What an event is, decided by its logger. */
export type Kind = "log" | "analytics" | "audit" | "security" | "operation" | "slow_request" | "db_stats" | "http_request" | "api_error";
/** A user id: an integer or a string. */
export type UserId = number | string;
/** The request context that follows every event a request produces. */
export interface Context { user_id?: UserId; request_id?: string; client_ip?: string }
/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** An event as barg writes it: normalised. */
export interface Event {
  timestamp: string;
  level: Level;
  logger: string;
  message: string;
  module?: string;
  function?: string;
  line?: number;
  context?: Context;
  extra_data: { [key: string]: JsonValue };
}
/** An event as a producer may send it. */
export interface EventInput {
  timestamp?: string;
  level: Level | Lowercase<Level> | "WARN" | "warn" | "FATAL" | "fatal";
  logger: string;
  message: string;
  module?: string | null;
  function?: string | null;
  line?: number | null;
  context?: Context;
  extra_data?: { [key: string]: JsonValue };
}
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
