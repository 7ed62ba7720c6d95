/**
 * The W3C Trace Context `tracestate` header (Level 2): parse, update and format.
 *
 * @since 0.1.0
 */
import { combinedHeader, trimOws } from "./headerValue.js"

/** One list-member: a vendor key and its opaque value. */
export type TracestateEntry = readonly [key: string, value: string]

/** At most this many list-members. */
export const MAX_MEMBERS = 32
/** Vendors should propagate at least this many characters of the combined header. */
export const MAX_LENGTH = 512
/** Entries longer than this are the first to go when truncating. */
const LONG_ENTRY = 128

// key = ( lcalpha / DIGIT ) 0*255 ( keychar ); keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/
// value = 0*255( chr ) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/

/** Whether `key` is a valid tracestate key. */
export const isTracestateKey = (key: string): boolean => typeof key === "string" && KEY.test(key)
/** Whether `value` is a valid tracestate value. */
export const isTracestateValue = (value: string): boolean => typeof value === "string" && VALUE.test(value)

/**
 * Parses `tracestate`, its header lines combined in order. `undefined` means the header must
 * be dropped whole: absent, more than 32 members, or any malformed member. Empty and
 * whitespace-only members are allowed and skipped. A key given twice becomes one entry, at the
 * first one's place with the last one's value, as OpenTelemetry JS does: Level 2 §3.3.1.4
 * (Combined Header Value) only says a key must not be sent twice, and the W3C test suite
 * (`test_tracestate_duplicated_keys`) expects the header inherited with one of them kept.
 *
 * @example
 * ```ts
 * parseTracestate("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")
 * // [["rojo", "00f067aa0ba902b7"], ["congo", "t61rcWkgMzE"]]
 * parseTracestate("foo=1,bar=2,foo=3") // [["foo", "3"], ["bar", "2"]]
 * ```
 */
export const parseTracestate = (
  header: string | ReadonlyArray<string> | undefined
): ReadonlyArray<TracestateEntry> | undefined => {
  const combined = combinedHeader(header)
  if (combined === undefined) return undefined
  const entries: Array<TracestateEntry> = []
  const positions = new Map<string, number>()
  for (const raw of combined.split(",")) {
    const member = trimOws(raw)
    if (member === "") continue
    const eq = member.indexOf("=")
    if (eq < 0) return undefined
    const key = member.slice(0, eq)
    const value = member.slice(eq + 1)
    if (!KEY.test(key) || !VALUE.test(value)) return undefined
    const at = positions.get(key)
    if (at !== undefined) {
      entries[at] = [key, value]
      continue
    }
    positions.set(key, entries.length)
    entries.push([key, value])
    if (entries.length > MAX_MEMBERS) return undefined
  }
  return entries
}

/**
 * The entries with `key` set to `value` and moved to the front, as the specification requires
 * of a modified entry; the last entries go when that makes more than 32.
 *
 * @example
 * ```ts
 * withTracestateEntry([["congo", "t61"]], "rojo", "00f0") // [["rojo", "00f0"], ["congo", "t61"]]
 * ```
 */
export const withTracestateEntry = (
  entries: ReadonlyArray<TracestateEntry>,
  key: string,
  value: string
): ReadonlyArray<TracestateEntry> =>
  [[key, value] as const, ...entries.filter(([k]) => k !== key)].slice(0, MAX_MEMBERS)

const combinedLength = (entries: ReadonlyArray<TracestateEntry>) =>
  entries.reduce((total, [key, value], i) => total + key.length + 1 + value.length + (i > 0 ? 1 : 0), 0)

/**
 * Formats entries as one header value, truncated to 512 characters by whole entries: those
 * over 128 characters go first, then entries from the end.
 *
 * @example
 * ```ts
 * formatTracestate([["rojo", "00f067aa0ba902b7"]]) // "rojo=00f067aa0ba902b7"
 * ```
 */
export const formatTracestate = (entries: ReadonlyArray<TracestateEntry>, maxLength = MAX_LENGTH): string => {
  // Entries from an untyped caller: only valid pairs are sent.
  let kept = (Array.isArray(entries) ? entries : [])
    .filter((entry): entry is TracestateEntry =>
      Array.isArray(entry) && isTracestateKey(entry[0]) && isTracestateValue(entry[1]))
    .slice(0, MAX_MEMBERS)
  while (combinedLength(kept) > maxLength) {
    let drop = kept.length - 1
    for (let i = kept.length - 1; i >= 0; i--) {
      if (kept[i]![0].length + 1 + kept[i]![1].length > LONG_ENTRY) {
        drop = i
        break
      }
    }
    kept = kept.filter((_, i) => i !== drop)
  }
  return kept.map(([key, value]) => `${key}=${value}`).join(",")
}
