/**
 * Any value as JSON for a span attribute (GenAI message content, captured parameters), with
 * secrets masked before encoding and never an exception: cycles, BigInt, functions, symbols,
 * throwing getters and `toJSON`s, deep nesting and huge arrays are all written as something.
 *
 * Masking the text before it is encoded matters: once encoded, a line break is the letter `n`
 * and the secret behind it no longer starts a word.
 *
 * @since 0.1.0
 */
import { isSensitiveKey } from "./sensitiveKey.js"
import { REDACTED, redactSensitiveText, type TextRedactionOptions } from "./sensitiveText.js"

const MAX_DEPTH = 32

/**
 * The value as JSON, masked when `options` are given, cut after `maxLength` characters (with
 * `…`): redaction comes first, so a secret cut at the boundary was masked whole.
 *
 * @example
 * ```ts
 * redactedJson([{ role: "user", content: "key:\nsk-abcdefghijklmnop1234" }], {}, 8192)
 * // '[{"role":"user","content":"key:\\n[REDACTED]"}]'
 * ```
 */
export const redactedJson = (value: unknown, options: TextRedactionOptions | undefined, maxLength: number): string => {
  const seen = new Set<object>()
  // Past the budget the rest is cut anyway: stop walking (a million-item array costs nothing).
  let budget = maxLength + 1
  const text = (s: string) => {
    const out = options === undefined ? s : redactSensitiveText(s, options)
    budget -= out.length
    return out
  }
  const walk = (item: unknown, depth: number): unknown => {
    if (budget <= 0) return null
    switch (typeof item) {
      case "string":
        return text(item)
      case "number":
        budget -= 8
        return Number.isFinite(item) ? item : null
      case "boolean":
        budget -= 5
        return item
      case "bigint":
        return text(item.toString())
      case "undefined":
      case "function":
      case "symbol":
        return undefined
    }
    if (item === null) return null
    const object = item as object
    if (seen.has(object)) return "[Circular]"
    if (depth >= MAX_DEPTH) return "[…]"
    if (typeof (object as { toJSON?: unknown }).toJSON === "function") {
      try {
        return walk((object as { toJSON: () => unknown }).toJSON(), depth + 1)
      } catch {
        return "[Unserializable]"
      }
    }
    seen.add(object)
    try {
      if (Array.isArray(object)) {
        const out: Array<unknown> = []
        for (let i = 0; i < object.length && budget > 0; i++) out.push(walk(object[i], depth + 1) ?? null)
        return out
      }
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(object)) {
        if (budget <= 0) break
        budget -= key.length + 4
        let field: unknown
        try {
          field = (object as Record<string, unknown>)[key]
        } catch {
          field = "[Unreadable]"
        }
        const mapped = options !== undefined && isSensitiveKey(key) && field !== undefined && typeof field !== "function"
          ? REDACTED
          : walk(field, depth + 1)
        if (mapped !== undefined) out[key] = mapped
      }
      return out
    } finally {
      seen.delete(object)
    }
  }
  let json: string
  try {
    json = JSON.stringify(walk(value, 0)) ?? ""
  } catch {
    json = ""
  }
  return json.length > maxLength ? `${json.slice(0, maxLength)}…` : json
}
