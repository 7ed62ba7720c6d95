/**
 * The seed's database API for async/await code: `traceDatabaseQuery`,
 * `traceDatabaseTransaction`, `tracePrismaOperation`.
 *
 * @since 0.1.0
 */
import type { Span } from "@opentelemetry/api"
import type { IsolationLevel } from "../services/DbClient.js"
import { prismaOperationSpan, queryOperationSpan, transactionOperationSpan } from "../services/dbSpan.js"
import { TENANT_ID } from "../semconv.js"
import { asText } from "../redaction/asText.js"
import { maskEchoesInError } from "../redaction/sqlParameters.js"
import { inOperationSpan } from "./inNewSpan.js"

export interface DatabaseQueryOptions {
  readonly table?: string | undefined
  /**
   * Never recorded; values a database error repeats (`Key (email)=(...)`) are masked in it
   * before it is recorded (the error is masked in place).
   */
  readonly params?: ReadonlyArray<unknown> | undefined
  /** `db.system.name` (default `postgresql`): `mysql`, `sqlite`, `mariadb`, ... pick how the text is sanitized. */
  readonly system?: string | undefined
  /** Recorded as `tenant.id`. */
  readonly organizationId?: string | undefined
  /** `db.namespace`: the database the query runs in (`DbClient` takes it from its connection). */
  readonly namespace?: string | undefined
  /** `server.address` and `server.port` of the database server. */
  readonly server?: { readonly address: string; readonly port?: number | undefined } | undefined
}

/** A node-postgres query config (`{ text, values }`), as `pg` users pass it. */
export interface QueryConfigLike {
  readonly text: string
  readonly values?: ReadonlyArray<unknown> | undefined
}

/**
 * Traces one query: a CLIENT span named `{operation} {table}` with the sanitized text (every
 * literal a `?`), the row count of the result, and the SQLSTATE of a failure. `sql` may be a
 * node-postgres `{ text, values }` object.
 *
 * @example
 * ```ts
 * const result = await traceDatabaseQuery("SELECT", "SELECT * FROM users WHERE organization_id = $1", async () => {
 *   return await db.query(query, params)
 * }, { table: "users", params: [orgId], organizationId: orgId })
 * ```
 */
export const traceDatabaseQuery = async <T>(
  operation: string,
  sql: string | QueryConfigLike,
  fn: (span: Span) => T | PromiseLike<T>,
  options: DatabaseQueryOptions = {}
): Promise<T> => {
  const config = typeof sql === "object" && sql !== null ? sql as Partial<QueryConfigLike> : undefined
  const opts = typeof options === "object" && options !== null ? options : {}
  const params = Array.isArray(opts.params) ? opts.params : Array.isArray(config?.values) ? config.values : []
  const operationSpan = queryOperationSpan({
    sql: asText(config === undefined ? sql : config.text),
    operation: typeof operation === "string" && operation !== "" ? operation : undefined,
    table: typeof opts.table === "string" ? opts.table : undefined,
    system: typeof opts.system === "string" && opts.system !== "" ? opts.system : undefined,
    namespace: typeof opts.namespace === "string" && opts.namespace !== "" ? opts.namespace : undefined,
    server: typeof opts.server?.address === "string" && opts.server.address !== ""
      ? { address: opts.server.address, port: typeof opts.server.port === "number" ? opts.server.port : undefined }
      : undefined
  })
  if (typeof opts.organizationId === "string") operationSpan.attributes[TENANT_ID] = opts.organizationId
  return inOperationSpan(operationSpan, fn, params.length === 0 ? undefined : (error) => maskEchoesInError(error, params))
}

export interface DatabaseTransactionOptions {
  readonly isolationLevel?: IsolationLevel | undefined
  readonly readOnly?: boolean | undefined
}

/**
 * Traces a transaction your code runs: an INTERNAL span `transaction` over its queries, with its
 * id, settings and outcome (`commit`, or `rollback` when `fn` throws).
 *
 * @example
 * ```ts
 * await traceDatabaseTransaction(transactionId, async () => {
 *   await db.query("BEGIN")
 *   await db.query("COMMIT")
 * }, { isolationLevel: "READ COMMITTED", readOnly: false })
 * ```
 */
export const traceDatabaseTransaction = async <T>(
  transactionId: string,
  fn: (span: Span) => T | PromiseLike<T>,
  options: DatabaseTransactionOptions = {}
): Promise<T> => {
  return inOperationSpan(transactionOperationSpan({ ...options, id: transactionId }), fn)
}

/**
 * Traces a Prisma call: a CLIENT span `{operation} {model}` with the arguments' shape (keys,
 * never values).
 *
 * @example
 * ```ts
 * const users = await tracePrismaOperation("User", "findMany", async () => {
 *   return await prisma.user.findMany({ where: { organizationId }, include: { profile: true } })
 * }, { where: { organizationId }, include: { profile: true } })
 * ```
 */
export const tracePrismaOperation = async <T>(
  model: string,
  operation: string,
  fn: (span: Span) => T | PromiseLike<T>,
  args?: unknown
): Promise<T> => {
  return inOperationSpan(prismaOperationSpan(model, operation, args), fn)
}
