/**
 * A key (a prompt, a cache key) as a short digest: keys can hold personal data, so only their
 * hash is recorded. The same key always gives the same hash, so hits and misses still line up.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"

/**
 * @example
 * ```ts
 * keyHashOf("what is the weather in Lisbon?") // "a1b2…" (16 hex digits)
 * ```
 */
export const keyHashOf = (key: unknown): string =>
  createHash("sha256").update(typeof key === "string" ? key : keyText(key)).digest("hex").slice(0, 16)

/** A key that is not a string (an array, an object, a number) as stable text; never throws. */
const keyText = (key: unknown): string => {
  try {
    return JSON.stringify(key, (_, value) => typeof value === "bigint" ? value.toString() : value) ?? String(key)
  } catch {
    return Object.prototype.toString.call(key)
  }
}
