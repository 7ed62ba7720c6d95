/**
 * The W3C Trace Context `traceparent` header (Level 2): parse and format.
 *
 * @since 0.1.0
 */
import { combinedHeader, trimOws } from "./headerValue.js"

/** A valid `traceparent`, as received. */
export interface Traceparent {
  /** The version byte (0 for `00`; a higher one was parsed by the forward-compatibility rules). */
  readonly version: number
  readonly traceId: string
  readonly parentId: string
  /** The trace-flags byte as received. */
  readonly flags: number
}

/** Trace-flags bit 0: the caller may have recorded trace data. */
export const FLAG_SAMPLED = 0x01
/** Trace-flags bit 1 (Level 2): the rightmost 7 bytes of the trace-id are random. */
export const FLAG_RANDOM = 0x02

const isLowerHex = (value: string, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i)
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false
  }
  return true
}

const isAllZeros = (value: string): boolean => {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) !== 0x30) return false
  return true
}

/**
 * Parses a `traceparent` header; `undefined` means absent or invalid, and then a new trace
 * starts (and `tracestate` must be ignored). A header sent more than once is invalid.
 *
 * @example
 * ```ts
 * parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
 * // { version: 0, traceId: "4bf92f35…", parentId: "00f067aa0ba902b7", flags: 1 }
 * ```
 */
export const parseTraceparent = (header: string | ReadonlyArray<string> | undefined): Traceparent | undefined => {
  // Two traceparent lines are one invalid header, not a choice.
  if (Array.isArray(header) && header.length !== 1) return undefined
  const text = combinedHeader(header)
  if (text === undefined) return undefined
  const value = trimOws(text)
  // version "-" trace-id "-" parent-id "-" trace-flags is 55 characters.
  if (value.length < 55) return undefined
  if (!isLowerHex(value, 0, 2) || value[2] !== "-") return undefined
  const version = parseInt(value.slice(0, 2), 16)
  if (version === 0xff) return undefined
  // Version 00 is exactly 55 characters; a higher version may append fields after a dash.
  if (version === 0 ? value.length !== 55 : value.length > 55 && value[55] !== "-") return undefined
  if (value[35] !== "-" || value[52] !== "-") return undefined
  if (!isLowerHex(value, 3, 35) || !isLowerHex(value, 36, 52) || !isLowerHex(value, 53, 55)) return undefined
  const traceId = value.slice(3, 35)
  const parentId = value.slice(36, 52)
  if (isAllZeros(traceId) || isAllZeros(parentId)) return undefined
  return { version, traceId, parentId, flags: parseInt(value.slice(53, 55), 16) }
}

const hexByte = (n: number) => (n & 0xff).toString(16).padStart(2, "0")

/**
 * Formats a version-00 `traceparent`. Only the flags this version defines (sampled, random)
 * are sent: the others must be zero.
 *
 * @example
 * ```ts
 * formatTraceparent({ traceId, parentId: spanId, flags: FLAG_SAMPLED })
 * ```
 */
export const formatTraceparent = (value: Omit<Traceparent, "version">): string => {
  // An untyped caller's ids are checked: an invalid traceparent is never sent, "" is.
  const { flags, parentId, traceId } = (value ?? {}) as Partial<Traceparent>
  if (typeof traceId !== "string" || traceId.length !== 32 || !isLowerHex(traceId, 0, 32) || isAllZeros(traceId)) return ""
  if (typeof parentId !== "string" || parentId.length !== 16 || !isLowerHex(parentId, 0, 16) || isAllZeros(parentId)) return ""
  return `00-${traceId}-${parentId}-${hexByte((typeof flags === "number" ? flags : 0) & (FLAG_SAMPLED | FLAG_RANDOM))}`
}
