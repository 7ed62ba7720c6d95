/**
 * Attribute redaction: values of keys that name secrets are replaced whole, and credentials or
 * personal data found inside other string values are masked in place.
 *
 * @since 0.1.0
 */
import type { Attributes, AttributeValue } from "@opentelemetry/api"
import { isSensitiveKey } from "./sensitiveKey.js"
import { REDACTED, redactSensitiveText, type TextRedactionOptions } from "./sensitiveText.js"

export interface RedactionPolicy extends TextRedactionOptions {
  /** Keys never redacted (exact names). */
  readonly allowKeys: ReadonlySet<string>
  /** Keys always redacted, besides those that name secrets (exact names). */
  readonly denyKeys: ReadonlySet<string>
  /** The user's own patterns, masked wherever they match. */
  readonly patterns: ReadonlyArray<RegExp>
}

/** One attribute's value, masked whole when its key names a secret (numbers too), in part otherwise. */
export const redactValue = (key: string, value: AttributeValue | undefined, policy: RedactionPolicy): AttributeValue | undefined => {
  if (value === undefined || policy.allowKeys.has(key)) return value
  if (policy.denyKeys.has(key) || isSensitiveKey(key)) return REDACTED
  if (typeof value === "string") return redactSensitiveText(value, policy)
  if (Array.isArray(value) && value.some((item) => typeof item === "string")) {
    const items = (value as Array<unknown>).map((item) => typeof item === "string" ? redactSensitiveText(item, policy) : item)
    return items.every((item, i) => item === value[i]) ? value : (items as AttributeValue)
  }
  return value
}

/**
 * The attributes with their secrets masked; the same object when nothing had to change.
 *
 * @example
 * ```ts
 * redactAttributes({ "db.password": "hunter2", note: "ana@example.com" }, policy)
 * // { "db.password": "[REDACTED]", note: "[REDACTED]" }
 * ```
 */
export const redactAttributes = (attributes: Attributes, policy: RedactionPolicy): Attributes => {
  let out: Attributes | undefined
  for (const key of Object.keys(attributes)) {
    const value = attributes[key]
    const redacted = redactValue(key, value, policy)
    if (redacted !== value) {
      out ??= { ...attributes }
      out[key] = redacted
    }
  }
  return out ?? attributes
}
