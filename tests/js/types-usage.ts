// Compiled (not run) by types.test.mjs: events of every kind, written the way
// a frontend would, must type-check against ts/barg.d.ts, and wrong ones must not.
import type {
  Analytics,
  ApiError,
  DbStats,
  Event,
  EventInput,
  HttpRequest,
  Operation,
  SecurityEvent,
  SlowRequest,
  UserAction,
} from "../../ts/barg";

export const analytics: Analytics = { event_name: "story_started", event_category: "stories", user_id: 123, properties: { template_id: 42 } };
export const audit: UserAction = { action: "story_completed", user_id: "u-1", story_id: 5742 };
export const security: SecurityEvent = { event_type: "login_failed", severity: "low", ip_address: null };
export const operation: Operation = { operation: "pdf_generation", duration_ms: 12.5, success: false, error_type: "OSError" };
export const slow: SlowRequest = { method: "POST", path: "/x/", status: 201, duration_ms: 2802.37, threshold_ms: 1000 };
export const db: DbStats = { query_count: 7, total_time_ms: 149.97, slowest_queries: [{ sql: "SELECT 1", time_ms: 29.6 }], flagged: false };
export const http: HttpRequest = { method: "GET", path: "/", status: 200, duration_ms: 1 };
export const api: ApiError = { error_type: "ValidationError", error_message: "bad", path: "/x/", method: "POST", request_data: { a: [1, 2] } };

export const sent: EventInput = { level: "INFO", logger: "analytics", message: "Analytics: stories.story_started", extra_data: { ...analytics } };
export const stored: Event = { timestamp: "2025-12-26T10:30:45.123456Z", level: "WARNING", logger: "core", message: "m", extra_data: {}, context: { user_id: 1 } };

// @ts-expect-error a severity is low, medium, high or critical
export const badSeverity: SecurityEvent = { event_type: "x", severity: "severe" };
// @ts-expect-error an analytics event needs its category
export const noCategory: Analytics = { event_name: "x", properties: {} };
// @ts-expect-error a stored event has its timestamp
export const noTimestamp: Event = { level: "INFO", logger: "core", message: "m", extra_data: {} };
