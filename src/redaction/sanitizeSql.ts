/**
 * SQL text safe to record as `db.query.text`: every literal becomes `?`, comments go, and
 * the structure (keywords in their case, identifiers, placeholders, operators, casts) stays.
 *
 * @since 0.1.0
 */
import { isWordAt, scanSql, type SqlDialect } from "./sqlLexer.js"

export type { SqlDialect } from "./sqlLexer.js"

export interface SanitizeSqlOptions {
  /** `postgresql` (default): double quotes are identifiers; in `mysql` and `generic` they are strings. */
  readonly dialect?: SqlDialect | undefined
}

/** The longest text recorded; what is past it is cut. */
export const MAX_SANITIZED_LENGTH = 32 * 1024

// `IN (?, ?, ?)` → `IN (?)`: keeps the text low-cardinality whatever the list's length.
const IN_LIST = /\bIN(\s*)\(\s*\?(?:\s*,\s*\?)*\s*\)/gi

const noop = () => {}

/**
 * @example
 * ```ts
 * sanitizeSql("SELECT * FROM users WHERE email = 'a@b.c' AND id IN (1, 2, 3) -- by support")
 * // "SELECT * FROM users WHERE email = ? AND id IN (?) "
 * ```
 */
export const sanitizeSql = (sql: string, options: SanitizeSqlOptions = {}): string => {
  // Text is copied in runs: only what changes (literals, comments) interrupts a run.
  let out = ""
  let from = 0
  const replace = (start: number, end: number, replacement: string) => {
    out += sql.slice(from, start) + replacement
    from = end
  }
  // After PASSWORD the next value is masked whatever it is: some dialects take an identifier.
  let afterPassword = false
  scanSql(sql, options.dialect ?? "postgresql", {
    literal(start, end) {
      replace(start, end, "?")
      afterPassword = false
    },
    word(start, end, quoted) {
      if (afterPassword) replace(start, end, "?")
      afterPassword = !quoted && isWordAt(sql, start, end, "PASSWORD")
    },
    placeholder(start, end) {
      if (afterPassword) replace(start, end, "?")
      afterPassword = false
    },
    other: noop,
    comment(start, end) {
      // A comment separates tokens like a space does.
      const before = start > 0 ? sql.charCodeAt(start - 1) : 0x20
      replace(start, end, before === 0x20 || before === 0x0a || before === 0x09 ? "" : " ")
    },
    unterminated(start) {
      // Never leak the tail of a string or comment that does not end.
      replace(start, sql.length, "?")
    }
  })
  out += sql.slice(from)
  if (out.includes("?")) out = out.replace(IN_LIST, (match, space: string) => `${match.slice(0, 2)}${space}(?)`)
  return out.length > MAX_SANITIZED_LENGTH ? out.slice(0, MAX_SANITIZED_LENGTH) : out
}
