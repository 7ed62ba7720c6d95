/**
 * The database spans under the stable database semantic conventions, for both faces (`DbClient`
 * and `traceDatabaseQuery`, `traceDatabaseTransaction`, `tracePrismaOperation`): a query's
 * text sanitized, its summary as the span name, the rows it returned and the SQLSTATE of a
 * failure; a transaction's settings and outcome; a Prisma call's arguments' shape.
 *
 * @since 0.1.0
 */
import type { Attributes } from "@opentelemetry/api"
import { sanitizeSql, type SqlDialect } from "../redaction/sanitizeSql.js"
import { asText } from "../redaction/asText.js"
import { summarizeSql } from "../redaction/summarizeSql.js"
import {
  DB_COLLECTION_NAME,
  DB_NAMESPACE,
  DB_OPERATION_NAME,
  DB_QUERY_SUMMARY,
  DB_QUERY_TEXT,
  DB_RESPONSE_RETURNED_ROWS,
  DB_RESPONSE_STATUS_CODE,
  DB_SYSTEM_NAME,
  DB_SYSTEM_POSTGRESQL,
  DB_TRANSACTION_ID,
  DB_TRANSACTION_ISOLATION_LEVEL,
  DB_TRANSACTION_OUTCOME,
  DB_TRANSACTION_READ_ONLY,
  ERROR_TYPE,
  PRISMA_ARGS_SHAPE,
  SERVER_ADDRESS,
  SERVER_PORT
} from "../semconv.js"
import { errorType } from "./errorType.js"
import type { OperationSpan } from "./operationSpan.js"

export interface DbQueryInfo {
  readonly sql: string
  /** `db.system.name` (default `postgresql`); it picks how the text is read (`mysql` strings in double quotes). */
  readonly system?: string | undefined
  /** The table, when the caller knows it better than the text says. */
  readonly table?: string | undefined
  /** The operation, when the caller names it (the seed's `traceDatabaseQuery("SELECT", ...)`). */
  readonly operation?: string | undefined
  /** `db.namespace`: the database name. */
  readonly namespace?: string | undefined
  readonly server?: { readonly address: string; readonly port?: number | undefined } | undefined
}

/**
 * @example
 * ```ts
 * queryOperationSpan({ sql: "SELECT * FROM users WHERE id = $1", namespace: "app" })
 * // { name: "SELECT users", kind: "client", attributes: { "db.system.name": "postgresql", "db.query.text": "SELECT * FROM users WHERE id = $1", ... }, ... }
 * ```
 */
export const queryOperationSpan = (query: DbQueryInfo): OperationSpan => {
  // `mssql`, the name drivers use, for the well-known value the conventions require.
  const system = query.system === "mssql" ? "microsoft.sql_server" : query.system ?? DB_SYSTEM_POSTGRESQL
  const dialect = dialectOf(system)
  const summary = summarizeSql(query.sql, { dialect })
  const operation = query.operation?.toUpperCase() ?? summary.operationName
  const table = query.table ?? summary.collectionName
  const text = sanitizeSql(query.sql, { dialect })
  const attributes: Attributes = { [DB_SYSTEM_NAME]: system }
  if (text !== "") attributes[DB_QUERY_TEXT] = text
  if (summary.summary !== "") attributes[DB_QUERY_SUMMARY] = summary.summary
  if (operation !== undefined) attributes[DB_OPERATION_NAME] = operation
  if (table !== undefined) attributes[DB_COLLECTION_NAME] = table
  if (query.namespace !== undefined) attributes[DB_NAMESPACE] = query.namespace
  if (query.server !== undefined) {
    attributes[SERVER_ADDRESS] = query.server.address
    if (query.server.port !== undefined) attributes[SERVER_PORT] = query.server.port
  }
  // The semantic conventions' name: the summary, or `{operation} {table}`, or the system.
  const name = query.operation !== undefined || query.table !== undefined
    ? [operation, table].filter((part) => part !== undefined).join(" ")
    : summary.summary || system
  return { name, kind: "client", attributes, onResult: rowsAttributes, onFailure: queryFailureAttributes }
}

/**
 * How the text of a `db.system.name` is lexed: systems we do not know get the generic rules,
 * under which double quotes are strings (masked) rather than identifiers (kept).
 *
 * @example
 * ```ts
 * dialectOf("mariadb") // "mysql"
 * ```
 */
export const dialectOf = (system: string): SqlDialect =>
  system === "postgresql" || system === "cockroachdb" || system === "yugabytedb"
    ? "postgresql"
    : system === "mysql" || system === "mariadb" || system === "tidb"
    ? "mysql"
    : system === "sqlite"
    ? "sqlite"
    : system === "microsoft.sql_server"
    ? "mssql"
    : "generic"

/** The SQLSTATE of a database error (five characters), if it has one. */
export const sqlStateOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/** `db.response.status_code` (the SQLSTATE) and `error.type` for a failure. */
export const queryFailureAttributes = (error: unknown): Attributes => {
  const sqlState = sqlStateOf(error)
  return sqlState === undefined
    ? { [ERROR_TYPE]: errorType(error) }
    : { [DB_RESPONSE_STATUS_CODE]: sqlState, [ERROR_TYPE]: sqlState }
}

/** `db.response.returned_rows` of a driver result (`{ rows }`) or a Prisma one (an array), when it says. */
const rowsAttributes = (result: unknown): Attributes => {
  if (typeof result !== "object" || result === null) return {}
  const rows = (result as { rows?: unknown }).rows
  const count = Array.isArray(rows) ? rows.length : Array.isArray(result) ? result.length : undefined
  return count === undefined ? {} : { [DB_RESPONSE_RETURNED_ROWS]: count }
}


const committed: Attributes = { [DB_TRANSACTION_OUTCOME]: "commit" }
const rolledBack: Attributes = { [DB_TRANSACTION_OUTCOME]: "rollback" }

/**
 * A `transaction` span: its id and settings, and its outcome: `commit`, or `rollback` when it
 * failed or was interrupted.
 *
 * @example
 * ```ts
 * transactionOperationSpan({ id: "tx-1", isolationLevel: "SERIALIZABLE" })
 * ```
 */
export const transactionOperationSpan = (options: {
  readonly id?: string | undefined
  readonly isolationLevel?: string | undefined
  readonly readOnly?: boolean | undefined
}): OperationSpan => ({
  name: "transaction",
  kind: "internal",
  attributes: {
    [DB_SYSTEM_NAME]: DB_SYSTEM_POSTGRESQL,
    ...(options.id === undefined ? {} : { [DB_TRANSACTION_ID]: options.id }),
    ...(options.isolationLevel === undefined ? {} : { [DB_TRANSACTION_ISOLATION_LEVEL]: options.isolationLevel }),
    ...(options.readOnly === undefined ? {} : { [DB_TRANSACTION_READ_ONLY]: options.readOnly })
  },
  onResult: () => committed,
  onFailure: () => rolledBack,
  onInterrupt: () => rolledBack
})

/**
 * The shape of Prisma arguments: every key kept, every value replaced by `?`.
 *
 * @example
 * ```ts
 * argsShape({ where: { organizationId: "org-1" }, include: { profile: true } })
 * // '{"where":{"organizationId":"?"},"include":{"profile":"?"}}'
 * ```
 */
export const argsShape = (args: unknown): string => {
  const shape = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0], depth + 1)]
    if (typeof value !== "object" || value === null || value instanceof Date || depth > 8) return "?"
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner, depth + 1)]))
  }
  return JSON.stringify(shape(args, 0))
}

/**
 * A Prisma operation's CLIENT span `{operation} {model}`: the arguments' shape, the rows it
 * returned, the error type of a failure.
 *
 * @example
 * ```ts
 * prismaOperationSpan("User", "findMany", { where: { email } })
 * // { name: "findMany User", kind: "client", attributes: { "db.operation.name": "findMany", "db.collection.name": "User", "db.prisma.args_shape": '{"where":{"email":"?"}}' }, ... }
 * ```
 */
export const prismaOperationSpan = (model: string, operation: string, args?: unknown): OperationSpan => ({
  name: `${asText(operation)} ${asText(model)}`,
  kind: "client",
  attributes: {
    [DB_OPERATION_NAME]: operation,
    [DB_COLLECTION_NAME]: model,
    ...(args === undefined ? {} : { [PRISMA_ARGS_SHAPE]: argsShape(args) })
  },
  onResult: rowsAttributes,
  onFailure: queryFailureAttributes
})
