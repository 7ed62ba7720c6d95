/**
 * `@blipee/tracing/database`: SQL sanitizing and summaries, the traced `DbClient`, and the
 * seed's database tracing functions.
 *
 * @since 0.1.0
 */
export { sanitizeSql, type SanitizeSqlOptions, type SqlDialect } from "../redaction/sanitizeSql.js"
export { summarizeSql, type SqlSummary } from "../redaction/summarizeSql.js"
export {
  type DbClientOptions,
  type DbClientService,
  DbConnectionError,
  DbError,
  type IsolationLevel,
  type QueryOptions,
  type TransactionOptions
} from "../services/DbClient.js"
export { type DbConnection, type DbDriver, pgDriver, pgliteDriver } from "../services/dbDriver.js"
export {
  type DatabaseQueryOptions,
  type DatabaseTransactionOptions,
  traceDatabaseQuery,
  traceDatabaseTransaction,
  tracePrismaOperation
} from "../facade/database.js"
export { prismaTracing } from "../facade/prismaExtension.js"
