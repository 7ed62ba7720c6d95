/**
 * SQL text safe to record as `db.query.text`: every literal becomes `?` (a signed number is one
 * literal), comments go, and the structure (keywords in their case, identifiers, placeholders,
 * operators, casts) stays. Comments are dropped as the reference sanitizers do (OpenTelemetry
 * JS and Java): a trailing one leaves no blank behind, and a text that is only a comment
 * sanitizes to the empty string, which the span then leaves out.
 *
 * @since 0.1.0
 */
import { asText } from "./asText.js"
import { isWordAt, scanSql, type SqlDialect, type SqlVisitor } from "./sqlLexer.js"

export type { SqlDialect } from "./sqlLexer.js"

export interface SanitizeSqlOptions {
  /**
   * `postgresql` (default): double quotes are identifiers; in `mysql` and `generic` they are
   * strings. `mssql`: `[name]` identifiers, `N'...'` strings, `#temp` tables.
   */
  readonly dialect?: SqlDialect | undefined
}

/** The longest text recorded; what is past it is cut. */
export const MAX_SANITIZED_LENGTH = 32 * 1024

// `IN (?, ?, ?)` → `IN (?)`: keeps the text low-cardinality whatever the list's length.
const IN_LIST = /\bIN(\s*)\(\s*\?(?:\s*,\s*\?)*\s*\)/gi

/**
 * The lexer's visitor for sanitizing. A class, not an object of closures, so that every call
 * from the lexer reaches the same functions and the engine can inline them.
 */
class Sanitizer implements SqlVisitor {
  // Text is copied in runs: only what changes (literals, comments) interrupts a run.
  out = ""
  private from = 0
  // The first two words of the statement: `CREATE USER`, `ALTER ROLE`, `SET PASSWORD`.
  private first = ""
  private second = ""
  private words = 0
  // In a statement that sets a credential, after PASSWORD or IDENTIFIED ... BY (or their `=`),
  // the next value is masked whatever it is: some dialects take an identifier.
  private credential = false
  private sawPassword = false
  private sawIdentified = false
  private armed = false
  /** A comment was dropped: the blanks it leaves at either end go too. */
  commented = false

  constructor(private readonly sql: string) {}

  private replace(start: number, end: number, replacement: string) {
    this.out += this.sql.slice(this.from, start) + replacement
    this.from = end
  }

  literal(start: number, end: number) {
    this.replace(start, end, "?")
    this.armed = false
  }

  word(start: number, end: number, quoted: boolean) {
    this.words++
    if (this.words <= 2) {
      if (this.words === 1) this.sawPassword = this.sawIdentified = false
      const upper = quoted ? "" : this.sql.slice(start, end).toUpperCase()
      if (this.words === 1) this.first = upper
      else this.second = upper
      this.credential = ((this.first === "CREATE" || this.first === "ALTER") &&
        (this.second === "USER" || this.second === "ROLE" || this.second === "LOGIN")) ||
        (this.first === "SET" && this.second === "PASSWORD") || this.first === "GRANT"
    }
    if (!this.credential) return
    if (this.armed) {
      this.armed = false
      // `SET PASSWORD FOR user = ...`: the value comes after the `=`.
      if (!quoted && isWordAt(this.sql, start, end, "FOR")) return
      this.replace(start, end, "?")
      return
    }
    // In GRANT, `password` is more likely a table than the keyword; in `CREATE USER password`
    // (the third word) it is the name.
    const password = !quoted && this.first !== "GRANT" && (this.first === "SET" || this.words > 3) &&
      isWordAt(this.sql, start, end, "PASSWORD")
    this.sawPassword ||= password
    this.sawIdentified ||= !quoted && isWordAt(this.sql, start, end, "IDENTIFIED")
    this.armed = password || (this.sawIdentified && !quoted && isWordAt(this.sql, start, end, "BY"))
  }

  placeholder(start: number, end: number) {
    if (this.armed) this.replace(start, end, "?")
    this.armed = false
  }

  other(start: number) {
    const c = this.sql.charCodeAt(start)
    if (c === 0x3b) {
      this.words = 0
      this.credential = false
      this.armed = false
    } else if (c === 0x3d && this.credential && this.sawPassword) {
      this.armed = true
    }
  }

  comment(start: number, end: number) {
    // A comment separates tokens like a space does.
    const before = start > 0 ? this.sql.charCodeAt(start - 1) : 0x20
    this.replace(start, end, before === 0x20 || before === 0x0a || before === 0x09 ? "" : " ")
    this.commented = true
  }

  unterminated(start: number) {
    // Never leak the tail of a string or comment that does not end.
    this.replace(start, this.sql.length, "?")
  }

  finish(): string {
    const out = this.out + this.sql.slice(this.from)
    return this.commented ? out.trim() : out
  }
}

/**
 * @example
 * ```ts
 * sanitizeSql("SELECT * FROM users WHERE email = 'a@b.c' AND id IN (1, 2, 3) -- by support")
 * // "SELECT * FROM users WHERE email = ? AND id IN (?) "
 * ```
 */
export const sanitizeSql = (input: string, options: SanitizeSqlOptions = {}): string => {
  const sql = asText(input)
  const sanitizer = new Sanitizer(sql)
  scanSql(sql, options.dialect ?? "postgresql", sanitizer)
  let out = sanitizer.finish()
  if (out.includes("?")) out = out.replace(IN_LIST, (match, space: string) => `${match.slice(0, 2)}${space}(?)`)
  return out.length > MAX_SANITIZED_LENGTH ? out.slice(0, MAX_SANITIZED_LENGTH) : out
}
