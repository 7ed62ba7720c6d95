/**
 * Finds credentials and personal data inside free text and masks just those parts: bearer and
 * Basic credentials, JWTs, well-known API key formats, PEM private keys, `key=value` and
 * `"key": "value"` pairs whose key names a secret (`password=`, `aws_secret_access_key=`,
 * ADO's `Password=...;`), URL userinfo (`postgres://user:pass@`), card numbers (Luhn),
 * e-mail addresses, and on request IBANs, US social security numbers and phone numbers.
 *
 * Text often arrives encoded: JSON (`"...\nsk-..."`, where a line break became the letter
 * `n`) or percent-encoding (`Bearer%20...`). An escape counts as the boundary it stood for,
 * and percent-encoded runs are decoded before the detectors look at them.
 *
 * Every detector is a hand-written linear scan, not a regular expression: attribute values can
 * be hundreds of kilobytes, and a backtracking pattern over adversarial text could stall the
 * export for minutes.
 *
 * @since 0.1.0
 */
import { asText } from "./asText.js"
import { isSensitiveKey } from "./sensitiveKey.js"

/** What a masked part becomes. */
export const REDACTED = "[REDACTED]"

/** Personal data that is masked only when asked for by name: their patterns also match innocent numbers. */
export type PiiClass = "iban" | "ssn" | "phone"

/** The PII classes that can be switched on. */
export const PII_CLASSES: ReadonlyArray<PiiClass> = ["iban", "ssn", "phone"]

/** What to look for besides the built-in classes. */
export interface TextRedactionOptions {
  /** The user's own patterns, masked wherever they match (their cost is theirs to keep linear). */
  readonly patterns?: ReadonlyArray<RegExp> | undefined
  /** Opt-in personal data classes. */
  readonly pii?: ReadonlySet<PiiClass> | undefined
}

type Ranges = Array<readonly [start: number, end: number]>

const BACKSLASH = 0x5c
const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a
const isAlpha = (c: number) => isUpper(c) || (c >= 0x61 && c <= 0x7a)
const isAlnum = (c: number) => isDigit(c) || isAlpha(c)
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
/** Characters of tokens: base64url, plus `.`, `+`, `/`, `=`, `~`. */
const isTokenChar = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2f || c === 0x3d || c === 0x7e
const isKeyChar = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f
const isBase64Url = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f
const isBase64 = (c: number) => isAlnum(c) || c === 0x2b || c === 0x2f || c === 0x3d
const isEmailLocal = (c: number) => isAlnum(c) || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2b || c === 0x2d
const isEmailDomain = (c: number) => isAlnum(c) || c === 0x2e || c === 0x2d
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
/** Characters of a name in `name=value`: `aws_secret_access_key`, `x-api-key`, `db.password`. */
const isNameChar = (c: number) => isAlnum(c) || c === 0x2d || c === 0x5f || c === 0x2e
/** Where an unquoted value ends. */
const endsValue = (c: number) =>
  isSpace(c) || c === 0x26 || c === 0x3b || c === 0x2c || c === 0x22 || c === 0x27 || c === 0x60 || c === 0x3c ||
  c === 0x3e || c === 0x29 || c === 0x5d || c === 0x7d || c === BACKSLASH || Number.isNaN(c)
/** Where a percent-encoded run ends. */
const endsEncodedRun = (c: number) =>
  isSpace(c) || c === 0x26 || c === 0x3d || c === 0x3f || c === 0x23 || c === 0x3b || c === 0x2c || c === 0x22 ||
  c === 0x27 || c === 0x3c || c === 0x3e || c === BACKSLASH

/** Whether the character at `i` ends an escape (`\n`, `\t`, `\u000a`): a boundary before the text was encoded. */
const endsEscape = (text: string, i: number): boolean => {
  if (i >= 1 && text.charCodeAt(i - 1) === BACKSLASH) {
    const c = text.charCodeAt(i)
    return c === 0x6e || c === 0x74 || c === 0x72 || c === 0x62 || c === 0x66
  }
  return i >= 5 && text.charCodeAt(i - 5) === BACKSLASH && text.charCodeAt(i - 4) === 0x75 &&
    isHex(text.charCodeAt(i - 3)) && isHex(text.charCodeAt(i - 2)) && isHex(text.charCodeAt(i - 1)) && isHex(text.charCodeAt(i))
}

/** Whether a word made of `isWord` characters may start at `at`. */
const startsWord = (text: string, at: number, isWord: (c: number) => boolean): boolean =>
  at === 0 || !isWord(text.charCodeAt(at - 1)) || endsEscape(text, at - 1)

const runEnd = (text: string, from: number, ok: (c: number) => boolean) => {
  let i = from
  while (i < text.length && ok(text.charCodeAt(i))) i++
  return i
}

const skipBlanks = (text: string, from: number) => {
  let i = from
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++
  return i
}

/** Calls `found` with every start of `needle` in `haystack`. */
const eachOccurrence = (haystack: string, needle: string, found: (at: number) => void) => {
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) found(i)
}

/** `Bearer <token>`: the token. `Basic <base64 of user:password>`: the credentials. */
const authorizationCredentials = (text: string, lower: string, ranges: Ranges) => {
  eachOccurrence(lower, "bearer", (at) => {
    if (!startsWord(text, at, isAlnum)) return
    const start = skipBlanks(text, at + 6)
    if (start === at + 6) return
    const end = runEnd(text, start, isTokenChar)
    if (end - start >= 8) ranges.push([start, end])
  })
  eachOccurrence(lower, "basic", (at) => {
    if (!startsWord(text, at, isAlnum)) return
    const start = skipBlanks(text, at + 5)
    if (start === at + 5) return
    const end = runEnd(text, start, isBase64)
    if (end - start >= 8 && isBasicCredentials(text.slice(start, end))) ranges.push([start, end])
  })
}

const isBasicCredentials = (encoded: string): boolean => {
  try {
    const decoded = atob(encoded)
    return decoded.includes(":") && !/[\x00-\x1f]/.test(decoded)
  } catch {
    return false
  }
}

/** `eyJ...` `.` `...` `.` `...`: a JSON Web Token. */
const jwts = (text: string, ranges: Ranges) => {
  eachOccurrence(text, "eyJ", (at) => {
    if (!startsWord(text, at, isBase64Url)) return
    const first = runEnd(text, at, isBase64Url)
    if (text.charCodeAt(first) !== 0x2e) return
    const second = runEnd(text, first + 1, isBase64Url)
    if (second - first < 3 || text.charCodeAt(second) !== 0x2e) return
    ranges.push([at, runEnd(text, second + 1, isBase64Url)])
  })
}

/** Prefixes of well-known secret formats, and the least length of what follows. */
const KEY_PREFIXES: ReadonlyArray<readonly [string, number]> = [
  ["sk-", 16], ["sk_live_", 16], ["sk_test_", 16], ["rk_live_", 16], ["rk_test_", 16], ["pk_live_", 16], ["whsec_", 16],
  ["AKIA", 16], ["ASIA", 16], ["ghp_", 30], ["gho_", 30], ["ghu_", 30], ["ghs_", 30], ["ghr_", 30], ["github_pat_", 30],
  ["glpat-", 20], ["xoxa-", 10], ["xoxb-", 10], ["xoxo-", 10], ["xoxp-", 10], ["xoxr-", 10], ["xoxs-", 10], ["xapp-", 10],
  ["AIza", 30], ["npm_", 30], ["hf_", 30]
]

/**
 * Whether a prefix is distinctive enough to be a key even glued to what stands before it
 * (`xxghp_...`, a token pasted into a longer string): four characters or more with a `_` or `-`
 * in them (not `sk-`, `hf_`, `AKIA`, which end words like `task-`).
 */
const standsAlone = (prefix: string) => prefix.length >= 4 && (prefix.includes("_") || prefix.includes("-"))

/**
 * A glued key must look random, not like the rest of an identifier (`laughs_and_smiles`): at
 * least 10 letters and digits straight after the prefix, a digit among them.
 */
const randomBody = (text: string, from: number): boolean => {
  const end = runEnd(text, from, isAlnum)
  if (end - from < 10) return false
  for (let i = from; i < end; i++) if (isDigit(text.charCodeAt(i))) return true
  return false
}

const apiKeys = (text: string, ranges: Ranges) => {
  for (const [prefix, least] of KEY_PREFIXES) {
    const glued = standsAlone(prefix)
    eachOccurrence(text, prefix, (at) => {
      if (!startsWord(text, at, isKeyChar) && !(glued && randomBody(text, at + prefix.length))) return
      const end = runEnd(text, at + prefix.length, isKeyChar)
      if (end - at - prefix.length >= least) ranges.push([at, end])
    })
  }
  // SendGrid: `SG.<22>.<43>`.
  eachOccurrence(text, "SG.", (at) => {
    if (!startsWord(text, at, isKeyChar)) return
    const first = runEnd(text, at + 3, isBase64Url)
    if (first - at - 3 < 16 || text.charCodeAt(first) !== 0x2e) return
    const second = runEnd(text, first + 1, isBase64Url)
    if (second - first - 1 >= 16) ranges.push([at, second])
  })
}

/** `-----BEGIN ... PRIVATE KEY-----` through its `-----END ...-----` line (or the end of a cut text). */
const privateKeys = (text: string, ranges: Ranges) => {
  let from = 0
  eachOccurrence(text, "-----BEGIN ", (at) => {
    if (at < from) return
    const labelEnd = text.indexOf("-----", at + 11)
    if (labelEnd < 0 || labelEnd - at > 80 || !text.slice(at + 11, labelEnd).includes("PRIVATE KEY")) return
    const footer = text.indexOf("-----END ", labelEnd + 5)
    const footerEnd = footer < 0 ? -1 : text.indexOf("-----", footer + 9)
    from = footerEnd < 0 ? text.length : footerEnd + 5
    ranges.push([at, from])
  })
}

/** `scheme://user:password@host`: the userinfo. Returns the positions of the `@`s it consumed. */
const urlUserinfo = (text: string, ranges: Ranges): Set<number> => {
  const consumed = new Set<number>()
  eachOccurrence(text, "://", (at) => {
    const start = at + 3
    let i = start
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x40 || isSpace(c) || c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e || c === BACKSLASH) break
      i++
    }
    if (text.charCodeAt(i) !== 0x40 || i === start) return
    consumed.add(i)
    const userinfo = text.slice(start, i)
    // Already masked the way `url.full` is (`REDACTED:REDACTED@`).
    if (userinfo !== "REDACTED" && userinfo !== "REDACTED:REDACTED") ranges.push([start, i])
  })
  return consumed
}

/** Authorization schemes that stand before the credential in a header value. */
const SCHEMES = new Set(["bearer", "basic", "token", "digest", "negotiate", "apikey"])

/** Values that are not secrets: placeholders of sanitized SQL, values masked already. */
const isPlaceholder = (value: string): boolean =>
  value === "?" || value === "REDACTED" || value === REDACTED || value === "" || /^[$:@][A-Za-z0-9_]*$/.test(value) ||
  value.startsWith(REDACTED)

/**
 * `name=value`, `name: value`, `"name": "value"` (also JSON-escaped) where the name names a
 * secret: the value.
 */
const secretPairs = (text: string, ranges: Ranges) => {
  let from = 0
  for (let p = 0; p < text.length; p++) {
    const sep = text.charCodeAt(p)
    if ((sep !== 0x3d && sep !== 0x3a) || p < from) continue
    // The name: back over closing quotes and blanks, then name characters.
    let k = p
    for (let skipped = 0; k > 0 && skipped < 4; skipped++) {
      const c = text.charCodeAt(k - 1)
      if (c !== 0x22 && c !== 0x27 && c !== 0x20 && c !== BACKSLASH) break
      k--
    }
    let nameStart = k
    while (nameStart > 0 && k - nameStart < 64 && isNameChar(text.charCodeAt(nameStart - 1))) nameStart--
    if (nameStart === k || !isSensitiveKey(text.slice(nameStart, k))) continue
    // The value: after blanks and an opening quote, to its closing quote or the next delimiter.
    let start = skipBlanks(text, p + 1)
    let quote = ""
    if (text.charCodeAt(start) === BACKSLASH && text.charCodeAt(start + 1) === 0x22) quote = "\\\""
    else if (text.charCodeAt(start) === 0x22 || text.charCodeAt(start) === 0x27) quote = text[start]!
    start += quote.length
    let end: number
    if (quote !== "") {
      const close = text.indexOf(quote, start)
      end = close < 0 ? text.length : close
    } else {
      end = start
      while (end < text.length && !endsValue(text.charCodeAt(end))) end++
      // `Authorization: Bearer abc`: the credential is the word after the scheme.
      if (SCHEMES.has(text.slice(start, end).toLowerCase()) && text.charCodeAt(end) === 0x20) {
        start = skipBlanks(text, end)
        end = start
        while (end < text.length && !endsValue(text.charCodeAt(end))) end++
      }
    }
    if (isPlaceholder(text.slice(start, end))) continue
    ranges.push([start, end])
    from = end
  }
}

const luhn = (digits: ReadonlyArray<number>, start: number, length: number): boolean => {
  let sum = 0
  for (let i = 0; i < length; i++) {
    let d = digits[start + length - 1 - i]!
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/**
 * Card numbers: 13 to 19 digits that pass the Luhn check, plain or grouped by single spaces
 * or dashes, also when more digits stand next to them (`4242 4242 4242 4242 123`, a CVV;
 * `100 4000 0566 5566 5556`, an amount): candidates are the runs of whole groups.
 */
const cardNumbers = (text: string, ranges: Ranges) => {
  let i = 0
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i)) || !startsWord(text, i, isAlnum)) {
      i++
      continue
    }
    const digits: Array<number> = []
    const positions: Array<number> = []
    const groupStarts: Array<number> = [0]
    let j = i
    while (j < text.length) {
      const c = text.charCodeAt(j)
      if (isDigit(c)) {
        digits.push(c - 0x30)
        positions.push(j++)
      } else if ((c === 0x20 || c === 0x2d) && isDigit(text.charCodeAt(j + 1))) {
        groupStarts.push(digits.length)
        j++
      } else {
        break
      }
    }
    if (digits.length >= 13) {
      const groupEnds = [...groupStarts.slice(1), digits.length]
      // Cards are printed in groups of four or more (4-4-4-4, 4-6-5): `100 200 300 ...` lists are not cards.
      for (let g = 0; g < groupStarts.length; g++) {
        for (let e = g; e < groupEnds.length; e++) {
          const start = groupStarts[g]!
          const length = groupEnds[e]! - start
          if (groupEnds[e]! - groupStarts[e]! < 4 || length > 19) break
          if (length >= 13 && luhn(digits, start, length)) ranges.push([positions[start]!, positions[start + length - 1]! + 1])
        }
      }
    }
    i = j
  }
}

/** `local@domain.tld`. */
const emails = (text: string, ranges: Ranges, consumed: ReadonlySet<number>) => {
  let previousEnd = 0
  eachOccurrence(text, "@", (at) => {
    if (consumed.has(at)) return
    let start = at
    while (start > previousEnd && isEmailLocal(text.charCodeAt(start - 1)) && !endsEscape(text, start - 1)) start--
    // `REDACTED@host` is a URL whose credentials were already masked (`url.full`).
    if (start === at || text.startsWith("REDACTED@", start)) return
    let end = runEnd(text, at + 1, isEmailDomain)
    while (end > at + 1 && text.charCodeAt(end - 1) === 0x2e) end--
    const domain = text.slice(at + 1, end)
    const dot = domain.lastIndexOf(".")
    if (dot <= 0 || domain.length - dot - 1 < 2 || !/^[A-Za-z]+$/.test(domain.slice(dot + 1))) return
    ranges.push([start, end])
    previousEnd = end
  })
}

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { ignoreBOM: true })

/** Decodes `%XX` escapes as UTF-8; bad sequences become U+FFFD instead of throwing. */
const percentDecode = (text: string): string => {
  const bytes: Array<number> = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x25 && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else if (c < 0x80) {
      bytes.push(c === 0x2b ? 0x20 : c)
    } else {
      for (const byte of encoder.encode(text[i]!)) bytes.push(byte)
    }
  }
  return decoder.decode(new Uint8Array(bytes))
}

/** Runs holding `%XX` escapes whose decoded text holds a secret: the whole run. */
const percentEncoded = (text: string, options: TextRedactionOptions, depth: number, ranges: Ranges) => {
  let from = 0
  eachOccurrence(text, "%", (at) => {
    if (at < from || !isHex(text.charCodeAt(at + 1)) || !isHex(text.charCodeAt(at + 2))) return
    let start = at
    while (start > from && !endsEncodedRun(text.charCodeAt(start - 1))) start--
    let end = at
    while (end < text.length && !endsEncodedRun(text.charCodeAt(end))) end++
    from = end
    const decoded = percentDecode(text.slice(start, end))
    if (redactText(decoded, options, depth + 1) !== decoded) ranges.push([start, end])
  })
}

/** US social security numbers: `ddd-dd-dddd`, without the numbers never issued. */
const ssns = (text: string, ranges: Ranges) => {
  eachOccurrence(text, "-", (at) => {
    if (at < 3 || text.charCodeAt(at + 3) !== 0x2d) return
    const start = at - 3
    const candidate = text.slice(start, start + 11)
    if (!/^\d{3}-\d{2}-\d{4}$/.test(candidate) || !startsWord(text, start, isAlnum) || isAlnum(text.charCodeAt(start + 11))) return
    const area = candidate.slice(0, 3)
    if (area === "000" || area === "666" || area[0] === "9" || candidate.slice(4, 6) === "00" || candidate.slice(7) === "0000") return
    ranges.push([start, start + 11])
  })
}

/** IBANs: country, check digits and 11 to 30 letters or digits (grouped by fours or not), mod 97 = 1. */
const ibans = (text: string, ranges: Ranges) => {
  for (let i = 0; i + 15 <= text.length; i++) {
    if (!isUpper(text.charCodeAt(i)) || !isUpper(text.charCodeAt(i + 1)) || !isDigit(text.charCodeAt(i + 2)) ||
      !isDigit(text.charCodeAt(i + 3)) || !startsWord(text, i, isAlnum)) continue
    let compact = text.slice(i, i + 4)
    let j = i + 4
    let end = j
    while (j < text.length && compact.length < 34) {
      const c = text.charCodeAt(j)
      if (isDigit(c) || isUpper(c)) {
        compact += text[j]
        end = ++j
      } else if (c === 0x20 && (isDigit(text.charCodeAt(j + 1)) || isUpper(text.charCodeAt(j + 1)))) {
        j++
      } else {
        break
      }
    }
    if (compact.length >= 15 && !isAlnum(text.charCodeAt(end)) && mod97(compact) === 1) {
      ranges.push([i, end])
      i = end
    }
  }
}

const mod97 = (iban: string): number => {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const ch of rearranged) {
    const c = ch.charCodeAt(0)
    const value = isDigit(c) ? String(c - 0x30) : String(c - 0x41 + 10)
    for (const digit of value) remainder = (remainder * 10 + digit.charCodeAt(0) - 0x30) % 97
  }
  return remainder
}

/** Phone numbers: `+` and 8 to 15 digits, or 10 to 15 digits with separators (`(555) 123-4567`). */
const phones = (text: string, ranges: Ranges) => {
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    const plus = c === 0x2b
    if (!(plus || c === 0x28 || isDigit(c)) || !startsWord(text, i, isAlnum)) {
      i++
      continue
    }
    let digits = 0
    let separators = 0
    let j = plus ? i + 1 : i
    let end = j
    while (j < text.length) {
      const d = text.charCodeAt(j)
      if (isDigit(d)) {
        digits++
        end = ++j
      } else if ((d === 0x20 || d === 0x2d || d === 0x2e || d === 0x28 || d === 0x29) && j + 1 < text.length) {
        separators++
        j++
      } else {
        break
      }
    }
    if (!isAlnum(text.charCodeAt(end)) && digits <= 15 && (plus ? digits >= 8 : digits >= 10 && separators > 0)) ranges.push([i, end])
    i = Math.max(end, i + 1)
  }
}

const globalPatterns = new WeakMap<RegExp, RegExp>()
/** The pattern as a global, non-sticky one: a sticky flag would stop it after the first miss. */
const globalOf = (pattern: RegExp): RegExp => {
  let global = globalPatterns.get(pattern)
  if (global === undefined) {
    global = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, "")}g`)
    globalPatterns.set(pattern, global)
  }
  return global
}

const userPatterns = (text: string, patterns: ReadonlyArray<RegExp>, ranges: Ranges) => {
  for (const pattern of patterns) {
    for (const match of text.matchAll(globalOf(pattern))) {
      if (match[0].length > 0) ranges.push([match.index, match.index + match[0].length])
    }
  }
}

const AUTH_WORD = /bearer|basic/i
/** Whether any key prefix (or a JWT, or a PEM header) occurs: one native scan instead of thirty. */
const PREFIXED = new RegExp(
  [...KEY_PREFIXES.map(([prefix]) => prefix), "SG.", "eyJ", "-----BEGIN "].map((p) => p.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")).join("|")
)
const NO_OPTIONS: TextRedactionOptions = {}
const NONE_CONSUMED: ReadonlySet<number> = new Set()

/** What one pass over the text tells: which detectors can find anything at all. */
const triggersOf = (text: string) => {
  let digits = 0
  let separators = false
  let at = false
  let percent = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c <= 0x39) {
      if (c >= 0x30) digits++
      else if (c === 0x25) percent = true
    } else if (c === 0x3d || c === 0x3a) {
      separators = true
    } else if (c === 0x40) {
      at = true
    }
  }
  return { digits, separators, at, percent }
}

const redactText = (text: string, options: TextRedactionOptions, depth: number): string => {
  const patterns = options.patterns ?? []
  // The shortest thing found here is an e-mail address such as `a@b.io`, or `pwd=x1`.
  if (text.length < 6 && patterns.length === 0 && options.pii === undefined) return text
  const ranges: Ranges = []
  const triggers = triggersOf(text)
  if (AUTH_WORD.test(text)) authorizationCredentials(text, text.toLowerCase(), ranges)
  if (PREFIXED.test(text)) {
    jwts(text, ranges)
    apiKeys(text, ranges)
    privateKeys(text, ranges)
  }
  const consumed = triggers.separators && triggers.at ? urlUserinfo(text, ranges) : NONE_CONSUMED
  if (triggers.separators) secretPairs(text, ranges)
  if (triggers.digits >= 13) cardNumbers(text, ranges)
  if (triggers.at) emails(text, ranges, consumed)
  if (triggers.percent && depth < 2) percentEncoded(text, options, depth, ranges)
  if (options.pii?.has("ssn")) ssns(text, ranges)
  if (options.pii?.has("iban")) ibans(text, ranges)
  if (options.pii?.has("phone")) phones(text, ranges)
  userPatterns(text, patterns, ranges)
  if (ranges.length === 0) return text
  ranges.sort((a, b) => a[0] - b[0])
  let out = ""
  let from = 0
  for (const [start, end] of ranges) {
    if (end <= from) continue
    out += start >= from ? text.slice(from, start) + REDACTED : ""
    from = end
  }
  return out + text.slice(from)
}

/**
 * The text with every credential-looking part replaced by `[REDACTED]`, the rest kept.
 *
 * @example
 * ```ts
 * redactSensitiveText("mail ana@example.com, auth: Bearer abcdef123456")
 * // "mail [REDACTED], auth: Bearer [REDACTED]"
 * redactSensitiveText("iban DE89 3704 0044 0532 0130 00", { pii: new Set(["iban"]) })
 * // "iban [REDACTED]"
 * ```
 */
export const redactSensitiveText = (text: string, options: TextRedactionOptions = NO_OPTIONS): string =>
  redactText(asText(text), options ?? NO_OPTIONS, 0)
