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
