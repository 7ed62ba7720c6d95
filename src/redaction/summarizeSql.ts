/**
 * `db.query.summary`: a short, low-cardinality description of a query (`SELECT users orders`),
 * with `db.operation.name` and `db.collection.name` when the text has one of each.
 *
 * @since 0.1.0
 */
import { asText } from "./asText.js"
import { scanSql, type SqlDialect } from "./sqlLexer.js"

export interface SqlSummary {
  /** Operation and targets per statement, statements joined with `; `; at most 255 characters. */
  readonly summary: string
  /** The operation, for a single statement. */
  readonly operationName: string | undefined
  /** The table, when the single statement has exactly one. */
  readonly collectionName: string | undefined
}

const MAX_SUMMARY = 255

const OPERATIONS = new Set([
  "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "CREATE", "ALTER", "DROP", "TRUNCATE",
  "CALL", "EXEC", "EXECUTE", "EXPLAIN", "BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "SHOW",
  "GRANT", "REVOKE", "COPY", "VACUUM", "ANALYZE", "LOCK", "LISTEN", "NOTIFY", "DO", "PREPARE", "DEALLOCATE", "REFRESH"
])
/** Operations whose next name is their target: `UPDATE users`, `TRUNCATE orders`. */
const TARGET_AFTER_OPERATION = new Set(["UPDATE", "TRUNCATE", "LOCK", "COPY", "VACUUM", "ANALYZE"])
/** DDL verbs, followed by the kind of object: `CREATE TABLE`, `DROP INDEX`. */
const DDL = new Set(["CREATE", "ALTER", "DROP", "REFRESH"])
const OBJECT_KINDS = new Set(["TABLE", "INDEX", "VIEW", "SCHEMA", "SEQUENCE", "FUNCTION", "TRIGGER", "TYPE", "DATABASE", "EXTENSION", "MATERIALIZED"])
/** Words after which the next name is a table; after the first three a `(` makes it a function. */
const RELATION_BEFORE = new Set(["FROM", "JOIN", "USING"])
const TABLE_BEFORE = new Set(["INTO"])
/** Words that may stand between a target keyword and its name. */
const SKIPPED = new Set(["ONLY", "LATERAL", "IF", "NOT", "EXISTS", "TABLE", "CONCURRENTLY", "UNIQUE", "VIEW"])
/** Words that end a `FROM a, b` list. */
const CLAUSES = new Set([
  "WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "INTERSECT", "EXCEPT", "WINDOW", "OFFSET", "FETCH", "FOR",
  "RETURNING", "ON", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "SET", "VALUES", "SELECT"
])

interface Statement {
  operation: string | undefined
  /** In order of appearance, each once (a Set: a `FROM a, b, ...` list of thousands stays linear). */
  readonly targets: Set<string>
}

/** A name as written, its double-quoted parts unquoted (`"Order Items"` → `Order Items`). */
const unquote = (name: string) => name.replace(/"((?:[^"]|"")*)"/g, (_, inner: string) => inner.replace(/""/g, "\""))

/**
 * @example
 * ```ts
 * summarizeSql("SELECT * FROM users u JOIN orders o ON o.user_id = u.id")
 * // { summary: "SELECT users orders", operationName: "SELECT", collectionName: undefined }
 * ```
 */
export const summarizeSql = (input: string, options: { readonly dialect?: SqlDialect | undefined } = {}): SqlSummary => {
  const sql = asText(input)
  const statements: Array<Statement> = [{ operation: undefined, targets: new Set() }]
  const cteNames = new Set<string>()
  let depth = 0
  // The next name is a target; `relation` says it came after FROM/JOIN/USING (then `(` = function).
  let expectTarget = false
  let relation = false
  // A name being read, possibly qualified (`schema.table`), and whether a `.` just came.
  let pending: string | undefined
  let pendingIsRelation = false
  let afterDot = false
  // The depth of the `FROM a, b` list being read, or -1.
  let fromListDepth = -1
  let inWith = false
  let ddlVerb = false
  let previousWord = ""

  const statement = () => statements[statements.length - 1]!
  const finishName = () => {
    if (pending === undefined) return
    const name = unquote(pending)
    statement().targets.add(name)
    pending = undefined
  }

  scanSql(sql, options.dialect ?? "postgresql", {
    word(start, end, quoted) {
      const text = sql.slice(start, end)
      if (pending !== undefined && afterDot) {
        pending += text
        afterDot = false
        return
      }
      finishName()
      const upper = quoted ? "" : text.toUpperCase()
      const current = statement()
      if (expectTarget && !SKIPPED.has(upper) && !(OPERATIONS.has(upper) && depth === 0)) {
        pending = text
        pendingIsRelation = relation
        expectTarget = false
        previousWord = text
        return
      }
      if (current.operation === undefined && depth === 0) {
        if (upper === "WITH") {
          inWith = true
        } else if (inWith && upper === "AS") {
          // `name AS (...)`: the word before AS named a CTE, not a table.
          cteNames.add(unquote(previousWord))
        } else if (OPERATIONS.has(upper)) {
          current.operation = upper
          inWith = false
          ddlVerb = DDL.has(upper)
          expectTarget = TARGET_AFTER_OPERATION.has(upper)
          relation = false
          previousWord = text
          return
        }
      } else if (ddlVerb && OBJECT_KINDS.has(upper)) {
        current.operation = `${current.operation} ${upper === "MATERIALIZED" ? "MATERIALIZED VIEW" : upper}`
        ddlVerb = false
        expectTarget = true
        relation = false
        previousWord = text
        return
      }
      ddlVerb = false
      if (RELATION_BEFORE.has(upper) || TABLE_BEFORE.has(upper)) {
        expectTarget = true
        relation = RELATION_BEFORE.has(upper)
        if (upper === "FROM") fromListDepth = depth
      } else if (CLAUSES.has(upper) && fromListDepth === depth) {
        fromListDepth = -1
      }
      previousWord = text
    },
    other(start) {
      const c = sql.charCodeAt(start)
      if (c === 0x2e && pending !== undefined) {
        pending += "."
        afterDot = true
        return
      }
      // `FROM generate_series(...)`: a function, not a table. `INTO t (a, b)`: a column list.
      if (c === 0x28 && pending !== undefined && pendingIsRelation) pending = undefined
      finishName()
      afterDot = false
      if (c === 0x28) {
        depth++
        expectTarget = false
      } else if (c === 0x29) {
        depth = Math.max(0, depth - 1)
      } else if (c === 0x2c && fromListDepth === depth) {
        expectTarget = true
        relation = true
      } else if (c === 0x3b && depth === 0) {
        statements.push({ operation: undefined, targets: new Set() })
        inWith = false
        fromListDepth = -1
        expectTarget = false
      }
      previousWord = ""
    },
    literal() {
      finishName()
      expectTarget = false
    },
    placeholder() {
      finishName()
      expectTarget = false
    },
    comment() {},
    unterminated() {
      finishName()
    }
  })
  finishName()

  const described = statements
    .filter((s) => s.operation !== undefined)
    .map((s) => ({ operation: s.operation!, targets: [...s.targets].filter((target) => !cteNames.has(target)) }))
  const single = described.length === 1 ? described[0] : undefined
  return {
    summary: described.map((s) => [s.operation, ...s.targets].join(" ")).join("; ").slice(0, MAX_SUMMARY),
    operationName: single?.operation,
    collectionName: single !== undefined && single.targets.length === 1 ? single.targets[0] : undefined
  }
}
