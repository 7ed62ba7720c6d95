/**
 * Any value as text, for the text passes that untyped callers reach (`sanitizeSql(42)`,
 * `redactUrl(null)`): `String` throws on objects without a prototype and on some exotic
 * values, which must never stop a traced call.
 *
 * @since 0.1.0
 */

/**
 * @example
 * ```ts
 * asText(Object.create(null)) // "[object Object]"
 * asText(undefined) // ""
 * ```
 */
export const asText = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === undefined || value === null) return ""
  try {
    return String(value)
  } catch {
    try {
      return Object.prototype.toString.call(value)
    } catch {
      // A proxy that throws on every read, `Symbol.toStringTag` included.
      return typeof value === "function" ? "[function]" : "[object]"
    }
  }
}
