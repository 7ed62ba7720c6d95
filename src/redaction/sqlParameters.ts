/**
 * Query parameters, made safe to record: a parameter bound to a column that names a secret
 * (`password = $1`, `INSERT INTO users (email, password) VALUES ($1, $2)`, `:api_key`) is
 * masked whole, structured values keep their keys and lose their secrets, and the values a
 * database error echoes back (`Key (email)=(ana@example.com) already exists`) are masked in it.
 *
 * @since 0.1.0
 */
import { redactedJson } from "./redactedJson.js"
import { isSensitiveKey } from "./sensitiveKey.js"
import { REDACTED } from "./sensitiveText.js"
import { scanSql, type SqlDialect } from "./sqlLexer.js"

/**
 * The column each parameter is bound to, by parameter position, where the text says.
 *
 * @example
 * ```ts
 * parameterColumns("UPDATE users SET password = $2 WHERE id = $1") // ["id", "password"]
 * ```
 */
export const parameterColumns = (sql: string, dialect: SqlDialect = "postgresql"): Array<string | undefined> => {
  const columns: Array<string | undefined> = []
  let sequential = 0
  let lastWord: string | undefined
  let comparedTo: string | undefined
  let insertColumns: Array<string> | undefined
  let insertState: "none" | "into" | "table" | "columns" | "done" = "none"
  let inValues = false
  let depth = 0
  let tupleIndex = 0
  scanSql(sql, dialect, {
    word(start, end, quoted) {
      const text = sql.slice(start, end)
      const upper = quoted ? "" : text.toUpperCase()
      comparedTo = undefined
      if (upper === "INTO") insertState = "into"
      else if (insertState === "into") insertState = "table"
      else if (insertState === "columns") insertColumns!.push(quoted ? text.slice(1, -1) : text)
      if (upper === "VALUES") inValues = true
      lastWord = text
    },
    other(start) {
      const c = sql.charCodeAt(start)
      if (c === 0x3d && lastWord !== undefined) comparedTo = lastWord
      else if (c !== 0x3e && c !== 0x3c && c !== 0x21 && c !== 0x3a) comparedTo = undefined
      if (c === 0x28) {
        depth++
        if (insertState === "table") {
          insertState = "columns"
          insertColumns = []
        }
        if (inValues && depth === 1) tupleIndex = 0
      } else if (c === 0x29) {
        depth = Math.max(0, depth - 1)
        if (insertState === "columns") insertState = "done"
      } else if (c === 0x2c && inValues && depth === 1) {
        tupleIndex++
      } else if (c === 0x3b) {
        insertState = "none"
        insertColumns = undefined
        inValues = false
      }
      lastWord = undefined
    },
    placeholder(start, end) {
      const text = sql.slice(start, end)
      const numbered = text.startsWith("$") ? Number(text.slice(1)) - 1 : Number.NaN
      const index = Number.isInteger(numbered) && numbered >= 0 ? numbered : sequential++
      const named = text.startsWith(":") || text.startsWith("@") ? text.slice(1) : undefined
      const column = comparedTo ?? named ?? (inValues && depth === 1 ? insertColumns?.[tupleIndex] : undefined)
      if (column !== undefined && columns[index] === undefined) columns[index] = column
      else if (index >= columns.length) columns[index] = undefined
      comparedTo = undefined
      lastWord = undefined
    },
    literal() {
      comparedTo = undefined
      lastWord = undefined
    },
    comment() {},
    unterminated() {}
  })
  return columns
}

/** Longest recorded structured parameter (JSON). */
const MAX_PARAMETER = 4 * 1024

/**
 * One parameter as an attribute value: masked when its column names a secret, scalars as they
 * are, anything else as masked JSON.
 *
 * @example
 * ```ts
 * parameterValue({ password: "x", name: "Ana" }, "profile") // '{"password":"[REDACTED]","name":"Ana"}'
 * ```
 */
export const parameterValue = (value: unknown, column: string | undefined): string | number | boolean => {
  if (column !== undefined && isSensitiveKey(column)) return REDACTED
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value
  if (value === null || value === undefined) return "NULL"
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()
  if (typeof value === "bigint") return value.toString()
  return redactedJson(value, {}, MAX_PARAMETER)
}

/** `Key (email)=(ana@example.com)`: the values in PostgreSQL's constraint details. */
const maskKeyValues = (text: string): string => {
  let out = ""
  let from = 0
  for (let at = text.indexOf(")=(", from); at >= 0; at = text.indexOf(")=(", from)) {
    const close = text.indexOf(")", at + 3)
    if (close < 0) break
    out += `${text.slice(from, at + 3)}?`
    from = close
  }
  return from === 0 ? text : out + text.slice(from)
}

/**
 * The text with every value of `params` it repeats (strings of three characters or more)
 * replaced by `?`.
 *
 * @example
 * ```ts
 * maskEchoedParameters('duplicate key: Key (email)=(ana@example.com) already exists.', ["ana@example.com"])
 * // "duplicate key: Key (email)=(?) already exists."
 * ```
 */
export const maskEchoedParameters = (text: string, params: ReadonlyArray<unknown>): string => {
  let out = maskKeyValues(text)
  for (const param of params) {
    const value = typeof param === "string" ? param : typeof param === "object" && param !== null ? safeJson(param) : undefined
    if (value !== undefined && value.length >= 3 && out.includes(value)) out = out.split(value).join("?")
  }
  return out
}

const safeJson = (value: object): string | undefined => {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/**
 * Masks, in place, what a driver's error repeats of the query's parameters: its message,
 * detail and stack. The error is the driver's own for this one query, so the application
 * sees the same masked text as the trace.
 *
 * @example
 * ```ts
 * try { await client.query(sql, params) } catch (error) { maskEchoesInError(error, params); throw error }
 * ```
 */
export const maskEchoesInError = (error: unknown, params: ReadonlyArray<unknown>): void => {
  if (typeof error !== "object" || error === null) return
  const fields = error as { message?: unknown; detail?: unknown; stack?: unknown }
  for (const field of ["message", "detail", "stack"] as const) {
    let value: unknown
    try {
      value = fields[field]
    } catch {
      continue // A getter that throws: nothing readable to echo.
    }
    if (typeof value !== "string") continue
    const masked = maskEchoedParameters(value, params)
    if (masked === value) continue
    try {
      fields[field] = masked
    } catch {
      // A frozen or read-only error keeps its text; the export-time redaction still runs.
    }
  }
}
