/**
 * Finds credentials and personal data inside free text (bearer tokens, JWTs, well-known API
 * key formats, card numbers, e-mail addresses) and masks just those parts.
 *
 * Every detector is a hand-written linear scan, not a regular expression: attribute values can
 * be hundreds of kilobytes, and a backtracking pattern over adversarial text could stall the
 * export for minutes.
 *
 * @since 0.1.0
 */

/** What a masked part becomes. */
export const REDACTED = "[REDACTED]"

type Range = readonly [start: number, end: number]

const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
const isAlnum = (c: number) => isDigit(c) || isAlpha(c)
/** Characters of tokens and keys: base64url, plus `.`, `+`, `/`, `=`, `~`. */
const isTokenChar = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2f || c === 0x3d || c === 0x7e
const isKeyChar = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f
const isBase64Url = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f
const isEmailLocal = (c: number) => isAlnum(c) || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2b || c === 0x2d
const isEmailDomain = (c: number) => isAlnum(c) || c === 0x2e || c === 0x2d

const runEnd = (text: string, from: number, ok: (c: number) => boolean) => {
  let i = from
  while (i < text.length && ok(text.charCodeAt(i))) i++
  return i
}

/** Every start of `needle` in `text`, case-insensitively when asked (`needle` in lower case). */
const occurrences = (text: string, needle: string, lower: string | undefined): Array<number> => {
  const haystack = lower ?? text
  const found: Array<number> = []
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) found.push(i)
  return found
}

/** `Bearer <token>`: the token. */
const bearerTokens = (text: string, lower: string, ranges: Array<Range>) => {
  for (const at of occurrences(text, "bearer", lower)) {
    if (at > 0 && isAlnum(text.charCodeAt(at - 1))) continue
    let i = at + 6
    const spaces = i
    while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++
    if (i === spaces) continue
    const end = runEnd(text, i, isTokenChar)
    if (end - i >= 8) ranges.push([i, end])
  }
}

/** `eyJ...` `.` `...` `.` `...`: a JSON Web Token. */
const jwts = (text: string, ranges: Array<Range>) => {
  for (const at of occurrences(text, "eyJ", undefined)) {
    if (at > 0 && isBase64Url(text.charCodeAt(at - 1))) continue
    const first = runEnd(text, at, isBase64Url)
    if (text.charCodeAt(first) !== 0x2e) continue
    const second = runEnd(text, first + 1, isBase64Url)
    if (second - first < 3 || text.charCodeAt(second) !== 0x2e) continue
    const third = runEnd(text, second + 1, isBase64Url)
    ranges.push([at, third])
  }
}

/** Prefixes of well-known secret formats, and the least length of what follows. */
const KEY_PREFIXES: ReadonlyArray<readonly [string, number]> = [
  ["sk-", 16], ["sk_live_", 16], ["sk_test_", 16], ["rk_live_", 16], ["pk_live_", 16], ["AKIA", 16], ["ASIA", 16],
  ["ghp_", 30], ["gho_", 30], ["ghu_", 30], ["ghs_", 30], ["ghr_", 30], ["github_pat_", 30], ["glpat-", 20],
  ["xoxb-", 10], ["xoxp-", 10], ["xoxa-", 10], ["xoxr-", 10], ["AIza", 30], ["npm_", 30], ["sk-ant-", 20]
]

const apiKeys = (text: string, ranges: Array<Range>) => {
  for (const [prefix, least] of KEY_PREFIXES) {
    for (const at of occurrences(text, prefix, undefined)) {
      if (at > 0 && isKeyChar(text.charCodeAt(at - 1))) continue
      const end = runEnd(text, at + prefix.length, isKeyChar)
      if (end - at - prefix.length >= least) ranges.push([at, end])
    }
  }
}

const luhn = (digits: string): boolean => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 0x30
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** 13 to 19 digits, plain or grouped by single spaces or dashes, that pass the Luhn check. */
const cardNumbers = (text: string, ranges: Array<Range>) => {
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (!isDigit(c) || (i > 0 && isAlnum(text.charCodeAt(i - 1)))) {
      i++
      continue
    }
    let digits = ""
    let end = i
    let j = i
    while (j < text.length) {
      const d = text.charCodeAt(j)
      if (isDigit(d)) {
        digits += text[j]
        end = ++j
      } else if ((d === 0x20 || d === 0x2d) && isDigit(text.charCodeAt(j + 1)) && j > i) {
        j++
      } else {
        break
      }
      if (digits.length > 19) break
    }
    if (digits.length >= 13 && digits.length <= 19 && !isAlnum(text.charCodeAt(end)) && luhn(digits)) ranges.push([i, end])
    i = Math.max(end, i + 1)
  }
}

/** `local@domain.tld`. */
const emails = (text: string, ranges: Array<Range>) => {
  let previousEnd = 0
  for (const at of occurrences(text, "@", undefined)) {
    let start = at
    while (start > previousEnd && isEmailLocal(text.charCodeAt(start - 1))) start--
    // `REDACTED@host` is a URL whose credentials were already masked (`url.full`).
    if (start === at || text.startsWith("REDACTED@", start)) continue
    let end = runEnd(text, at + 1, isEmailDomain)
    while (end > at + 1 && text.charCodeAt(end - 1) === 0x2e) end--
    const domain = text.slice(at + 1, end)
    const dot = domain.lastIndexOf(".")
    if (dot <= 0 || domain.length - dot - 1 < 2 || !/^[A-Za-z]+$/.test(domain.slice(dot + 1))) continue
    ranges.push([start, at + 1 + domain.length])
    previousEnd = at + 1 + domain.length
  }
}

const BEARER = /bearer/i

/**
 * The text with every credential-looking part replaced by `[REDACTED]`, the rest kept.
 * `extra` are the user's own patterns (their cost is theirs to keep linear).
 *
 * @example
 * ```ts
 * redactSensitiveText("mail ana@example.com, auth: Bearer abcdef123456")
 * // "mail [REDACTED], auth: Bearer [REDACTED]"
 * ```
 */
export const redactSensitiveText = (text: string, extra: ReadonlyArray<RegExp> = []): string => {
  // The shortest thing found here is an e-mail address such as `a@b.io`.
  if (text.length < 6 && extra.length === 0) return text
  const ranges: Array<Range> = []
  if (BEARER.test(text)) bearerTokens(text, text.toLowerCase(), ranges)
  jwts(text, ranges)
  apiKeys(text, ranges)
  cardNumbers(text, ranges)
  emails(text, ranges)
  for (const pattern of extra) {
    const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`)
    for (const match of text.matchAll(global)) {
      if (match[0].length > 0) ranges.push([match.index, match.index + match[0].length])
    }
  }
  if (ranges.length === 0) return text
  ranges.sort((a, b) => a[0] - b[0])
  let out = ""
  let from = 0
  for (const [start, end] of ranges) {
    if (end <= from) continue
    out += text.slice(from, Math.max(from, start)) + (start >= from ? REDACTED : "")
    from = end
  }
  return out + text.slice(from)
}
