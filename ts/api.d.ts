// The shapes only the JS API has: the options of its functions and the
// results it builds. Everything they are made of (the event, the sanitizer's
// and validator's configuration, violations, redactions) is generated from
// the Rust types into barg.d.ts.

/** Options of `format` and `formatBatch`. */
export interface FormatOptions { zone?: string }
/** Options of `route` and `routeBatch`. */
export interface RouteOptions { level?: Level }
/**
 * A sanitized value and what was changed: `unlisted` counts the changes made
 * past the report's bound on listed paths (usually 0).
 */
export interface Sanitized { value: JsonValue; redactions: Redaction[]; unlisted: number }
/** The validator's verdict: the normalised event exactly when valid. */
export interface Verdict { valid: boolean; event?: Event; violations: Violation[]; warnings: Violation[] }
/** Options of `prepare` and `Pipeline`. */
export interface PipelineOptions { validation?: ValidatorConfig; sanitizer?: SanitizerConfig; format?: Format; zone?: string }
/**
 * An event after validation, sanitization and formatting. With a `format`,
 * `line` is the sanitized event in it (when valid) and `event` is left out;
 * without one, `event` is the sanitized event.
 */
export interface Prepared extends Verdict { line?: string; redactions: Redaction[]; unlisted: number }
