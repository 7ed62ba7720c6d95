/**
 * A single-pass SQL lexer: it splits SQL text into the tokens that matter for redaction and
 * summaries (literals, identifiers, placeholders, punctuation), following PostgreSQL's lexical
 * rules first and the MySQL, SQLite, SQL Server and generic variants where they differ.
 *
 * @since 0.1.0
 */

export type SqlDialect = "postgresql" | "mysql" | "sqlite" | "mssql" | "generic"

/** What the lexer found between `start` and `end` (exclusive) of the text. */
export interface SqlVisitor {
  /** A string, bit-string, dollar-quoted, numeric or boolean literal. */
  literal(start: number, end: number): void
  /** A word (keyword or identifier) or a quoted identifier. */
  word(start: number, end: number, quoted: boolean): void
  /** `$1`, `?`, `:name`, `@name`. */
  placeholder(start: number, end: number): void
  /** Any other character (an operator or punctuation); whitespace is not reported. */
  other(start: number, end: number): void
  /** A comment, which the caller should drop. */
  comment(start: number, end: number): void
  /** A string, identifier or comment that never ends: everything from `start` on is inside it. */
  unterminated(start: number): void
}

/**
 * The character code at `i`, or -1 past either end. Reading past the end with `charCodeAt`
 * gives NaN, which turns the lexer's integer comparisons into slow floating-point ones.
 */
const at = (sql: string, i: number): number => (i >= 0 && i < sql.length ? sql.charCodeAt(i) : -1)

// Character classes of ASCII, looked up once per character instead of compared range by range.
const SPACE = 1
const WORD_START = 2
const WORD_PART = 4
const DIGIT = 8
const HEX = 16
const CLASSES = (() => {
  const table = new Uint8Array(128)
  for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x0c]) table[c] = SPACE
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
    const digit = c >= 0x30 && c <= 0x39
    if (letter || c === 0x5f) table[c]! |= WORD_START | WORD_PART
    if (digit) table[c]! |= DIGIT | WORD_PART | HEX
    if (c === 0x24) table[c]! |= WORD_PART
    if ((c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)) table[c]! |= HEX
  }
  return table
})()
const hasClass = (c: number, cls: number) => c >= 0 && c < 128 && (CLASSES[c]! & cls) !== 0

const isDigit = (c: number) => hasClass(c, DIGIT)
const isHex = (c: number) => hasClass(c, HEX)
/** Letters, `_`, and anything beyond ASCII (PostgreSQL accepts those in identifiers). */
const isWordStart = (c: number) => c > 0x7f || hasClass(c, WORD_START)
const isWordPart = (c: number) => c > 0x7f || hasClass(c, WORD_PART)
/** E, B, X, N in either case: the letters that prefix a quoted string. */
const isStringPrefix = (c: number) => {
  const lower = c | 0x20
  return lower === 0x65 || lower === 0x62 || lower === 0x78 || lower === 0x6e
}
const isSpace = (c: number) => hasClass(c, SPACE)

/** The end of a `quote`-delimited run starting at `start` (the opening quote), or -1. */
const quotedEnd = (sql: string, start: number, quote: number, backslashEscapes: boolean): number => {
  for (let i = start + 1; i < sql.length; i++) {
    const c = sql.charCodeAt(i)
    if (backslashEscapes && c === 0x5c) {
      i++
    } else if (c === quote) {
      if (at(sql, i + 1) === quote) i++
      else return i + 1
    }
  }
  return -1
}

/** The end of a numeric literal starting at `start`. */
const numberEnd = (sql: string, start: number): number => {
  let i = start
  const radix = at(sql, i + 1) | 0x20
  // 0x1F, 0b101, 0o17
  if (at(sql, i) === 0x30 && (radix === 0x78 || radix === 0x62 || radix === 0x6f) && isHex(at(sql, i + 2))) {
    i += 2
    while (isHex(at(sql, i)) || at(sql, i) === 0x5f) i++
    return i
  }
  while (isDigit(at(sql, i)) || at(sql, i) === 0x5f) i++
  if (at(sql, i) === 0x2e && at(sql, i + 1) !== 0x2e) {
    i++
    while (isDigit(at(sql, i))) i++
  }
  const e = at(sql, i) | 0x20
  if (e === 0x65) {
    const sign = at(sql, i + 1)
    const first = sign === 0x2b || sign === 0x2d ? i + 2 : i + 1
    if (isDigit(at(sql, first))) {
      i = first
      while (isDigit(at(sql, i))) i++
    }
  }
  return i
}

/** The end of a `$tag$` opener at `start`, or -1 when `$` does not open a dollar quote. */
const dollarTagEnd = (sql: string, start: number): number => {
  let i = start + 1
  if (at(sql, i) === 0x24) return i + 1
  if (!isWordStart(at(sql, i))) return -1
  while (isWordPart(at(sql, i)) && at(sql, i) !== 0x24) i++
  return at(sql, i) === 0x24 ? i + 1 : -1
}

/**
 * Keywords after which `-` or `+` starts a signed number (`SELECT -1.2` is one literal), where
 * after a name it is an operator (`a - 1`). Only reserved words, which cannot be a bare column
 * name: `top - 1` keeps its operator.
 */
const SIGN_AFTER = new Set([
  "SELECT", "WHERE", "AND", "OR", "NOT", "ON", "WHEN", "THEN", "ELSE", "CASE", "LIMIT", "OFFSET", "BETWEEN", "LIKE",
  "ILIKE", "HAVING", "IS", "DISTINCT", "ALL", "ANY", "SOME", "DEFAULT"
])

/**
 * Whether `sql[start, end)` is `word` (given in upper case), ignoring case, without allocating:
 * this runs for every word of the text.
 */
export const isWordAt = (sql: string, start: number, end: number, word: string): boolean => {
  if (end - start !== word.length) return false
  for (let k = 0; k < word.length; k++) {
    const c = at(sql, start + k)
    if ((c >= 0x61 && c <= 0x7a ? c - 0x20 : c) !== word.charCodeAt(k)) return false
  }
  return true
}

/**
 * Scans `sql` once, reporting each token to the visitor in order.
 *
 * @example
 * ```ts
 * scanSql("SELECT 1", "postgresql", visitor)
 * ```
 */
export const scanSql = (sql: string, dialect: SqlDialect, visitor: SqlVisitor): void => {
  const doubleQuotedStrings = dialect === "mysql" || dialect === "generic"
  const backslashStrings = dialect === "mysql"
  // `[name]` identifiers (which may hold `'` or `#`): SQL Server's, which SQLite accepts too.
  const bracketIdentifiers = dialect === "mssql" || dialect === "sqlite"
  const length = sql.length
  // Whether a `-` or `+` here is a sign (after an operator, `(` or `,`) rather than an operator.
  let signAllowed = true
  // The last word, when it was the token just before: a keyword there also allows a sign.
  let wordStart = -1
  let wordEnd = -1
  let i = 0
  while (i < length) {
    const c = sql.charCodeAt(i)
    const next = i + 1 < length ? sql.charCodeAt(i + 1) : -1

    if (isSpace(c)) {
      i++
      continue
    }

    // Words first, the commonest token: keywords and identifiers; TRUE and FALSE are literals.
    // A one-letter word before a quote is a string prefix (E'..', B'..', X'..', N'..'), U& too.
    if (isWordStart(c) && !(next === 0x27 && isStringPrefix(c)) && !((c | 0x20) === 0x75 && next === 0x26)) {
      let j = i + 1
      while (j < length && isWordPart(sql.charCodeAt(j))) j++
      if (isWordAt(sql, i, j, "TRUE") || isWordAt(sql, i, j, "FALSE")) visitor.literal(i, j)
      else visitor.word(i, j, false)
      // After a name a `-` is subtraction (`a - 1` keeps its operator); after a keyword, a sign.
      signAllowed = false
      wordStart = i
      wordEnd = j
      i = j
      continue
    }
    // Not a word: the word before (if this token follows it) is read once, here.
    const previousWordStart = wordStart
    const previousWordEnd = wordEnd
    wordStart = wordEnd = -1

    // SQL Server's temporary tables: `#name`, `##name`.
    if (c === 0x23 && dialect === "mssql" && (isWordPart(next) || next === 0x23)) {
      let j = i + 1
      while (j < length && (isWordPart(sql.charCodeAt(j)) || sql.charCodeAt(j) === 0x23)) j++
      visitor.word(i, j, false)
      signAllowed = false
      i = j
      continue
    }
    if (c === 0x5b && bracketIdentifiers) {
      const end = quotedEnd(sql, i, 0x5d, false)
      if (end < 0) return visitor.unterminated(i)
      visitor.word(i, end, true)
      signAllowed = false
      i = end
      continue
    }

    // Comments: -- and # (MySQL) to the end of the line; /* */ (nested in PostgreSQL).
    if ((c === 0x2d && next === 0x2d) || (c === 0x23 && dialect === "mysql")) {
      let j = i + 1
      while (j < length && at(sql, j) !== 0x0a) j++
      visitor.comment(i, j)
      i = j
      continue
    }
    if (c === 0x2f && next === 0x2a) {
      let depth = 1
      let j = i + 2
      while (j < length && depth > 0) {
        const d = at(sql, j)
        if (d === 0x2a && at(sql, j + 1) === 0x2f) {
          depth--
          j += 2
        } else if (dialect === "postgresql" && d === 0x2f && at(sql, j + 1) === 0x2a) {
          depth++
          j += 2
        } else {
          j++
        }
      }
      if (depth > 0) return visitor.unterminated(i)
      visitor.comment(i, j)
      i = j
      continue
    }

    // Quoted strings, with their prefixes: E'..' (backslash escapes), B'..', X'..', N'..', U&'..'.
    if (c === 0x27) {
      const end = quotedEnd(sql, i, 0x27, backslashStrings)
      if (end < 0) return visitor.unterminated(i)
      visitor.literal(i, end)
      signAllowed = false
      i = end
      continue
    }
    if (next === 0x27 && isStringPrefix(c)) {
      const end = quotedEnd(sql, i + 1, 0x27, backslashStrings || (c | 0x20) === 0x65)
      if (end < 0) return visitor.unterminated(i)
      visitor.literal(i, end)
      signAllowed = false
      i = end
      continue
    }
    if ((c | 0x20) === 0x75 && next === 0x26) {
      const quote = at(sql, i + 2)
      if (quote === 0x27 || quote === 0x22) {
        const end = quotedEnd(sql, i + 2, quote, false)
        if (end < 0) return visitor.unterminated(i)
        if (quote === 0x27) visitor.literal(i, end)
        else visitor.word(i, end, true)
        signAllowed = false
        i = end
        continue
      }
    }

    // Double quotes: identifiers, or strings in MySQL and generic SQL. Backticks: identifiers.
    if (c === 0x22 || (c === 0x60 && dialect !== "postgresql")) {
      const end = quotedEnd(sql, i, c, c === 0x22 && backslashStrings)
      if (end < 0) return visitor.unterminated(i)
      if (c === 0x22 && doubleQuotedStrings) visitor.literal(i, end)
      else visitor.word(i, end, true)
      signAllowed = false
      i = end
      continue
    }

    // $1 placeholders and $tag$ ... $tag$ dollar quotes.
    if (c === 0x24) {
      if (isDigit(next)) {
        let j = i + 1
        while (isDigit(at(sql, j))) j++
        visitor.placeholder(i, j)
        signAllowed = false
        i = j
        continue
      }
      const tagEnd = dollarTagEnd(sql, i)
      if (tagEnd > 0) {
        const close = sql.indexOf(sql.slice(i, tagEnd), tagEnd)
        if (close < 0) return visitor.unterminated(i)
        visitor.literal(i, close + (tagEnd - i))
        signAllowed = false
        i = close + (tagEnd - i)
        continue
      }
    }

    // Numbers, with a sign where a sign is possible.
    // (An identifier never starts with a digit, so a digit always starts a number.)
    if (isDigit(c) || (c === 0x2e && isDigit(next))) {
      const end = numberEnd(sql, i)
      visitor.literal(i, end)
      signAllowed = false
      i = end
      continue
    }
    if ((c === 0x2d || c === 0x2b) && (signAllowed || (previousWordStart >= 0 && SIGN_AFTER.has(sql.slice(previousWordStart, previousWordEnd).toUpperCase())))) {
      let j = i + 1
      while (isSpace(at(sql, j))) j++
      const d = at(sql, j)
      if (isDigit(d) || (d === 0x2e && isDigit(at(sql, j + 1)))) {
        const end = numberEnd(sql, j)
        visitor.literal(i, end)
        signAllowed = false
        i = end
        continue
      }
    }

    // U& not followed by a quote: an ordinary word.
    if (isWordStart(c)) {
      let j = i + 1
      while (j < length && isWordPart(sql.charCodeAt(j))) j++
      visitor.word(i, j, false)
      signAllowed = false
      i = j
      continue
    }

    // Placeholders: ? (but not PostgreSQL's ?| ?& JSON operators), :name (but not :: casts), @name.
    if (c === 0x3f && (dialect !== "postgresql" || (next !== 0x7c && next !== 0x26))) {
      visitor.placeholder(i, i + 1)
      signAllowed = false
      i++
      continue
    }
    if ((c === 0x3a || c === 0x40) && isWordStart(next) && at(sql, i - 1) !== 0x3a) {
      let j = i + 2
      while (j < length && isWordPart(sql.charCodeAt(j))) j++
      visitor.placeholder(i, j)
      signAllowed = false
      i = j
      continue
    }

    // Everything else, one character at a time: operators and punctuation.
    visitor.other(i, i + 1)
    signAllowed = c !== 0x29 && c !== 0x5d
    i++
  }
}
