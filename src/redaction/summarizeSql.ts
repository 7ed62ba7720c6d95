/**
 * `db.query.summary` by the database semantic conventions' rules for generating a summary:
 * every operation and every operation target in the order they appear (nested ones included:
 * `INSERT shipping_details SELECT orders`), each as written (no case normalization, quotes
 * kept: `SELECT "song list"`), cut to 255 characters between parts. `db.operation.name` and
 * `db.collection.name` match the values in it.
 *
 * @since 0.1.0
 */
import { asText } from "./asText.js"
import { scanSql, type SqlDialect } from "./sqlLexer.js"

export interface SqlSummary {
  /** Operations and targets in order, statements joined with `; `; at most 255 characters. */
  readonly summary: string
  /** The first operation, for a single statement. */
  readonly operationName: string | undefined
  /** The target, when the single statement has exactly one (however often it appears). */
  readonly collectionName: string | undefined
}

const MAX_SUMMARY = 255

/** Operations that begin a statement. */
const OPERATIONS = new Set([
  "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "CREATE", "ALTER", "DROP", "TRUNCATE",
  "CALL", "EXEC", "EXECUTE", "EXPLAIN", "BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "SHOW",
  "GRANT", "REVOKE", "COPY", "VACUUM", "ANALYZE", "LOCK", "LISTEN", "NOTIFY", "DO", "PREPARE", "DEALLOCATE", "REFRESH",
  "PRAGMA", "USE", "DECLARE"
])
/** Operations that may also begin a nested statement: a subquery, a CTE's body. */
const NESTED_OPERATIONS = new Set(["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES"])
/** Operations whose next name is their target: `UPDATE users`, `CALL refresh_totals`. */
const TARGET_AFTER_OPERATION = new Set(["UPDATE", "COPY", "VACUUM", "ANALYZE", "CALL", "EXEC", "EXECUTE", "PRAGMA", "USE"])
/** Verbs followed by the kind of object, which joins the operation: `CREATE TABLE`, `TRUNCATE TABLE`. */
const DDL = new Set(["CREATE", "ALTER", "DROP", "REFRESH", "TRUNCATE", "LOCK"])
/** Of those, the ones whose kind may be left out (`TRUNCATE logs`), and the ones that take a list. */
const KIND_OPTIONAL = new Set(["TRUNCATE", "LOCK"])
const LISTS = new Set(["DROP", "TRUNCATE", "LOCK"])
const OBJECT_KINDS = new Set([
  "TABLE", "INDEX", "VIEW", "SCHEMA", "SEQUENCE", "FUNCTION", "PROCEDURE", "TRIGGER", "TYPE", "DATABASE", "EXTENSION",
  "USER", "ROLE", "LOGIN", "DOMAIN", "POLICY"
])
/** Words between a DDL verb and its kind: `CREATE OR REPLACE TEMP VIEW`, `CREATE UNIQUE INDEX`. */
const DDL_MODIFIERS = new Set(["OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "MATERIALIZED", "GLOBAL", "LOCAL", "UNLOGGED", "RECURSIVE"])
/** Words after which the next name is a target. */
const TARGET_BEFORE = new Set(["FROM", "JOIN", "INTO", "USING"])
/** Words that may stand between a target keyword and its name: `FROM ONLY t`, `IF NOT EXISTS t`. */
const BEFORE_NAME = new Set(["ONLY", "LATERAL", "IF", "NOT", "EXISTS", "CONCURRENTLY", "OR", "ROLLBACK", "ABORT", "FAIL", "IGNORE"])
/** Words that end a `FROM a, b` list. */
const CLAUSES = new Set([
  "WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "INTERSECT", "EXCEPT", "WINDOW", "OFFSET", "FETCH", "FOR",
  "RETURNING", "ON", "SET", "VALUES", "SELECT", "WITH"
])
/** Functions whose arguments hold a FROM that names no table: `EXTRACT(YEAR FROM ts)`. */
const FROM_FUNCTIONS = new Set(["EXTRACT", "SUBSTRING", "TRIM", "POSITION", "OVERLAY"])

interface Part {
  readonly text: string
  readonly target: boolean
}

/** One statement's operations and targets, in order. */
interface Statement {
  readonly parts: Array<Part>
}

/** What one level of parentheses is: a subquery (or CTE body), a function's arguments, or a list. */
interface Level {
  /** A `FROM a, b` list is being read at this level. */
  fromList: boolean
  /** This level's FROM names no table (`EXTRACT(... FROM ...)`). */
  readonly noTables: boolean
}

/**
 * @example
 * ```ts
 * summarizeSql("INSERT INTO shipping_details (order_id) SELECT order_id FROM orders WHERE order_id = ?")
 * // { summary: "INSERT shipping_details SELECT orders", operationName: "INSERT", collectionName: undefined }
 * ```
 */
export const summarizeSql = (input: string, options: { readonly dialect?: SqlDialect | undefined } = {}): SqlSummary => {
  const sql = asText(input)
  const statements: Array<Statement> = [{ parts: [] }]
  const cteNames = new Set<string>()
  const levels: Array<Level> = [{ fromList: false, noTables: false }]
  /** A statement (or a nested one) may begin with the next word. */
  let atStart = true
  /** The statement's main operation, upper-cased (`GRANT` lists privileges, not statements). */
  let main = ""
  /** The next name is a target (after FROM, INTO, UPDATE, a DDL kind, a `,` of a FROM list). */
  let expectTarget = false
  /** A DDL verb waiting for its kind: the verb, the index of its part, and the words read so far. */
  let ddlVerb = ""
  let ddlPart = -1
  let ddlWords = ""
  /** A name being read, possibly qualified (`"schema"."table"`), and whether a `.` just came. */
  let pending: string | undefined
  let afterDot = false
  let inWith = false
  let previousUpper = ""
  let previousText = ""

  const statement = () => statements[statements.length - 1]!
  const level = () => levels[levels.length - 1]!
  const finishName = () => {
    if (pending === undefined) return
    statement().parts.push({ text: pending, target: true })
    pending = undefined
  }
  const operation = (text: string, upper: string) => {
    statement().parts.push({ text, target: false })
    if (main === "") main = upper
    atStart = false
    expectTarget = TARGET_AFTER_OPERATION.has(upper)
    ddlVerb = upper
    ddlPart = DDL.has(upper) ? statement().parts.length - 1 : -1
    ddlWords = text
  }
  const name = (text: string) => {
    if (pending !== undefined && afterDot) {
      pending += text
      afterDot = false
      return true
    }
    finishName()
    if (!expectTarget) return false
    pending = text
    expectTarget = false
    return true
  }

  scanSql(sql, options.dialect ?? "postgresql", {
    word(start, end, quoted) {
      const text = sql.slice(start, end)
      const upper = quoted ? "" : text.toUpperCase()
      if (pending !== undefined && afterDot) {
        name(text)
        return
      }
      finishName()
      const before = previousUpper
      const beforeText = previousText
      previousUpper = upper
      previousText = text
      if (ddlPart >= 0) {
        if (!quoted && DDL_MODIFIERS.has(upper)) {
          if (upper === "MATERIALIZED") ddlWords += ` ${text}`
          return
        }
        const part = ddlPart
        ddlPart = -1
        if (!quoted && OBJECT_KINDS.has(upper)) {
          // The operation as written: `create table`, `DROP MATERIALIZED VIEW`.
          ddlWords += ` ${text}`
          statement().parts[part] = { text: ddlWords, target: false }
          expectTarget = true
          if (LISTS.has(ddlVerb)) level().fromList = true
          return
        }
        // `TRUNCATE logs`, `LOCK orders`: the kind left out, this is the target.
        if (KIND_OPTIONAL.has(ddlVerb)) {
          expectTarget = true
          level().fromList = true
        }
      }
      if (!quoted && (atStart || NESTED_OPERATIONS.has(upper))) {
        const nested = levels.length > 1 || statement().parts.length > 0
        if (
          (atStart && OPERATIONS.has(upper) && !nested) ||
          (upper === "SELECT" && main !== "GRANT" && main !== "REVOKE") ||
          (atStart && nested && NESTED_OPERATIONS.has(upper) && upper !== "VALUES")
        ) {
          if (levels.length === 1) inWith = false
          operation(text, upper)
          return
        }
      }
      if (!quoted && upper === "WITH" && atStart) {
        inWith = true
        return
      }
      if (inWith && levels.length === 1 && !quoted && upper === "AS") {
        // `name AS (...)`: the word before AS named a CTE, not a table.
        cteNames.add(beforeText)
        return
      }
      if (expectTarget && !quoted && BEFORE_NAME.has(upper)) return
      if (expectTarget) {
        name(text)
        atStart = false
        return
      }
      atStart = false
      if (quoted) return
      if (TARGET_BEFORE.has(upper) && !(upper === "FROM" && (level().noTables || before === "DISTINCT"))) {
        expectTarget = true
        if (upper === "FROM") level().fromList = true
      } else if (CLAUSES.has(upper)) {
        level().fromList = false
      }
    },
    other(start) {
      const c = sql.charCodeAt(start)
      if (c === 0x2e && pending !== undefined) {
        pending += "."
        afterDot = true
        return
      }
      finishName()
      afterDot = false
      if (c === 0x28) {
        levels.push({ fromList: false, noTables: FROM_FUNCTIONS.has(previousUpper) })
        // `(SELECT ...)`, `AS (DELETE ...)`: a nested statement may begin.
        atStart = true
        expectTarget = false
      } else if (c === 0x29) {
        if (levels.length > 1) levels.pop()
        // After a CTE's body, the main statement (or another CTE) comes.
        atStart = inWith && levels.length === 1
      } else if (c === 0x2c) {
        if (level().fromList) expectTarget = true
        if (inWith && levels.length === 1) atStart = true
      } else if (c === 0x3b && levels.length === 1) {
        statements.push({ parts: [] })
        main = ""
        inWith = false
        level().fromList = false
        atStart = true
        expectTarget = false
        ddlPart = -1
      }
      previousUpper = ""
      previousText = ""
    },
    literal(start, end) {
      // `FROM 'artists'`: the conventions' example reads a quoted name where a target goes.
      if (expectTarget && sql.charCodeAt(start) === 0x27) name(sql.slice(start, end))
      else finishName()
      expectTarget = false
      atStart = false
    },
    placeholder() {
      finishName()
      expectTarget = false
      atStart = false
    },
    comment() {},
    unterminated() {
      finishName()
    }
  })
  finishName()
  return summaryOf(statements, cteNames)
}

/** The parts of every statement that has an operation, cut to 255 characters between parts. */
const summaryOf = (statements: ReadonlyArray<Statement>, cteNames: ReadonlySet<string>): SqlSummary => {
  const described = statements
    .map((statement) => statement.parts.filter((part) => !(part.target && cteNames.has(part.text))))
    .filter((parts) => parts.some((part) => !part.target))
  let summary = ""
  // The target names that made it into the summary: db.collection.name must be one of them.
  const targets = new Set<string>()
  cut: for (let i = 0; i < described.length; i++) {
    const parts = described[i]!
    for (let j = 0; j < parts.length; j++) {
      const text = (j > 0 ? " " : i > 0 ? "; " : "") + parts[j]!.text
      if (summary.length + text.length > MAX_SUMMARY) break cut
      summary += text
      if (parts[j]!.target) targets.add(parts[j]!.text)
    }
  }
  const single = described.length === 1 ? described[0]! : undefined
  return {
    summary,
    operationName: single?.find((part) => !part.target)?.text,
    collectionName: single !== undefined && targets.size === 1 && single.every((part) => !part.target || targets.has(part.text))
      ? [...targets][0]
      : undefined
  }
}
