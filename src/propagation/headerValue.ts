/**
 * Reading header fields as the specifications define them: names case-insensitive, a field
 * sent several times combined in order with commas (RFC 9110 §5.3), optional whitespace being
 * spaces and tabs only (RFC 9110 §5.6.3).
 *
 * @since 0.1.0
 */

/** The header shapes the propagation functions accept. */
export type HeaderSource =
  | Request
  | Headers
  | Readonly<Record<string, string | ReadonlyArray<string> | number | undefined>>

const isHeaders = (source: unknown): source is Headers =>
  typeof source === "object" && source !== null &&
  typeof (source as Headers).get === "function" && typeof (source as Headers).forEach === "function"

/**
 * Every value of the header `name`, in order, whatever its case in the source.
 *
 * @example
 * ```ts
 * headerValues({ TraceParent: "00-…" }, "traceparent") // ["00-…"]
 * headerValues(new Headers([["baggage", "a=1"], ["baggage", "b=2"]]), "baggage") // ["a=1, b=2"]
 * ```
 */
export const headerValues = (source: HeaderSource | undefined | null, name: string): ReadonlyArray<string> => {
  if (source === undefined || source === null || typeof source !== "object") return []
  // A Request, or anything shaped like one (Next.js's NextRequest, another realm's Request).
  const inner = (source as { headers?: unknown }).headers
  const headers = inner !== undefined && isHeaders(inner) ? inner : source
  if (isHeaders(headers)) {
    // Fetch Headers already combine repeated fields with ", ".
    const value = headers.get(name)
    return value === null ? [] : [value]
  }
  const values: Array<string> = []
  for (const key of Object.keys(headers)) {
    if (key.length !== name.length || key.toLowerCase() !== name) continue
    const value = (headers as Record<string, unknown>)[key]
    if (typeof value === "string") values.push(value)
    else if (typeof value === "number") values.push(String(value))
    else if (Array.isArray(value)) for (const item of value) if (typeof item === "string") values.push(item)
  }
  return values
}

/**
 * A header field's lines as one value, combined with commas; `undefined` for anything that is
 * not a string or a list of them (a `null`, an object from an untyped caller): the codecs
 * never throw on a value's type.
 *
 * @example
 * ```ts
 * combinedHeader(["a=1", "b=2"]) // "a=1,b=2"
 * combinedHeader(null) // undefined
 * ```
 */
export const combinedHeader = (header: unknown): string | undefined => {
  if (typeof header === "string") return header
  if (!Array.isArray(header)) return undefined
  const lines = header.filter((line): line is string => typeof line === "string")
  return lines.length === 0 ? undefined : lines.join(",")
}

/** Removes optional whitespace (spaces and horizontal tabs) at both ends. */
export const trimOws = (value: string): string => {
  let start = 0
  let end = value.length
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--
  return value.slice(start, end)
}
