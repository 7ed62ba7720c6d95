/**
 * The W3C Baggage `baggage` header: parse and format.
 *
 * @since 0.1.0
 */
import { combinedHeader, trimOws } from "./headerValue.js"

/** One baggage list-member: its key, its decoded value, and its properties as sent. */
export interface BaggageEntry {
  readonly key: string
  readonly value: string
  /** The properties (`k=v;flag`), if any; opaque to the specification. */
  readonly metadata?: string | undefined
}

/** The ABNF allows 180 list-members (`list-member 0*179( ... )`). */
export const MAX_MEMBERS = 180
/** Every member is propagated while the header stays within 8192 bytes; beyond, whole members are dropped. */
export const MAX_BYTES = 8192

// token = 1*tchar (RFC 7230 §3.2.6)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// value = *baggage-octet; baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/

/** Whether `key` is a valid baggage key (an RFC 7230 token). */
export const isBaggageKey = (key: string): boolean => typeof key === "string" && TOKEN.test(key)

// ignoreBOM: a leading U+FEFF is part of the value (the decoder would otherwise drop it).
const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true })

/**
 * Decodes percent-encoded UTF-8; sequences that are not valid UTF-8 become U+FFFD, and a `%`
 * not followed by two hex digits stays as it is.
 */
const percentDecode = (value: string): string => {
  if (!value.includes("%")) return value
  // Well-formed input (the usual case) decodes natively; the byte-wise path below handles the rest.
  try {
    return decodeURIComponent(value)
  } catch {
    return percentDecodeLeniently(value)
  }
}

const percentDecodeLeniently = (value: string): string => {
  const bytes: Array<number> = []
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x25 && i + 2 < value.length && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(c)
    }
  }
  return utf8.decode(Uint8Array.from(bytes))
}

/** Checks a `;`-separated property list (`key OWS "=" OWS value` or `key`); returns it normalized. */
const parseProperties = (parts: ReadonlyArray<string>): string | undefined | null => {
  if (parts.length === 0) return undefined
  const properties: Array<string> = []
  for (const part of parts) {
    const eq = part.indexOf("=")
    const key = trimOws(eq < 0 ? part : part.slice(0, eq))
    if (!TOKEN.test(key)) return null
    if (eq < 0) {
      properties.push(key)
      continue
    }
    const value = trimOws(part.slice(eq + 1))
    if (!VALUE.test(value)) return null
    properties.push(`${key}=${value}`)
  }
  return properties.join(";")
}

const parseMember = (raw: string): BaggageEntry | undefined => {
  const [pair, ...propertyParts] = raw.split(";")
  const eq = pair!.indexOf("=")
  if (eq < 0) return undefined
  const key = trimOws(pair!.slice(0, eq))
  const value = trimOws(pair!.slice(eq + 1))
  if (!TOKEN.test(key) || !VALUE.test(value)) return undefined
  const metadata = parseProperties(propertyParts)
  if (metadata === null) return undefined
  return metadata === undefined ? { key, value: percentDecode(value) } : { key, value: percentDecode(value), metadata }
}

/**
 * Parses `baggage`, its header lines combined in order. A malformed member is dropped and the
 * valid ones are kept; members past the 180th are dropped. For a repeated key the last wins,
 * in the place of the first.
 *
 * @example
 * ```ts
 * parseBaggage("userId=alice,serverNode=DF%2028;region=eu")
 * // [{ key: "userId", value: "alice" }, { key: "serverNode", value: "DF 28", metadata: "region=eu" }]
 * ```
 */
export const parseBaggage = (header: string | ReadonlyArray<string> | undefined): ReadonlyArray<BaggageEntry> => {
  const combined = combinedHeader(header)
  if (combined === undefined) return []
  const entries = new Map<string, BaggageEntry>()
  for (const raw of combined.split(",")) {
    if (entries.size >= MAX_MEMBERS) break
    const entry = parseMember(raw)
    if (entry !== undefined) entries.set(entry.key, entry)
  }
  return [...entries.values()]
}

/**
 * Formats entries as one header value: values percent-encoded, at most 180 members and 8192
 * bytes; a member that does not fit is dropped whole, never cut. Invalid keys are skipped.
 *
 * @example
 * ```ts
 * formatBaggage([{ key: "serverNode", value: "DF 28" }]) // "serverNode=DF%2028"
 * ```
 */
export const formatBaggage = (entries: Iterable<BaggageEntry>): string => {
  const members: Array<string> = []
  let bytes = 0
  for (const entry of entries ?? []) {
    if (members.length >= MAX_MEMBERS) break
    // Entries from an untyped caller: only string keys and values are sent.
    const { key, metadata, value } = (entry ?? {}) as Partial<BaggageEntry>
    if (typeof key !== "string" || typeof value !== "string" || !TOKEN.test(key)) continue
    const properties = typeof metadata !== "string" || metadata === "" ? "" : parseProperties(metadata.split(";"))
    // A lone surrogate cannot be encoded as UTF-8: it becomes U+FFFD instead of throwing.
    const member = `${key}=${encodeURIComponent(value.toWellFormed())}${properties ? `;${properties}` : ""}`
    // Keys, encoded values and properties are all ASCII: characters are bytes.
    const added = member.length + (members.length > 0 ? 1 : 0)
    if (bytes + added > MAX_BYTES) continue
    members.push(member)
    bytes += added
  }
  return members.join(",")
}
