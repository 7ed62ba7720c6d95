/**
 * `DbClient`: PostgreSQL queries and transactions as Effects, each a CLIENT span under the
 * stable database semantic conventions, on node-postgres (`layerPg`) or PGlite (`layerPglite`).
 *
 * @since 0.1.0
 */
import type { PGlite } from "@electric-sql/pglite"
import type { PoolConfig } from "pg"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import { DB_QUERY_PARAMETER } from "../semconv.js"
import { maskEchoesInError, parameterColumns, parameterValue } from "../redaction/sqlParameters.js"
import { type DbConnection, type DbDriver, pgliteDriver, pgPoolDriver } from "./dbDriver.js"
import { importOptional, type MissingPackageError } from "./optionalPackage.js"
import { prismaOperationSpan, queryOperationSpan, sqlStateOf, transactionOperationSpan } from "./dbSpan.js"
import { withOperationSpan } from "./operationSpan.js"

/** A statement the database refused; `sqlState` is its SQLSTATE (`42601`, `23505`, ...). */
export class DbError extends Data.TaggedError("DbError")<{
  readonly message: string
  readonly sqlState: string | undefined
  readonly detail?: string | undefined
  readonly constraint?: string | undefined
  readonly cause: unknown
}> {}

/** The database could not be reached, or the connection broke (SQLSTATE class 08). */
export class DbConnectionError extends Data.TaggedError("DbConnectionError")<{
  readonly message: string
  readonly cause: unknown
}> {}

export interface QueryOptions {
  /** `db.collection.name`, when the text alone does not tell. */
  readonly table?: string | undefined
  /** `db.operation.name`, when the text alone does not tell. */
  readonly operation?: string | undefined
  /**
   * Record the parameters as `db.query.parameter.<index>` (off by default); string values still
   * pass the redaction before export.
   */
  readonly captureParameters?: boolean | undefined
}

/** Settings of the whole client. */
export interface DbClientOptions {
  /** Record parameters on every query (see `QueryOptions.captureParameters`). Default off. */
  readonly captureParameters?: boolean | undefined
}

/** The parameters as attributes, each masked by the column it is bound to and by its content. */
const parameterAttributes = (sql: string, params: ReadonlyArray<unknown>): Record<string, string | number | boolean> => {
  const columns = parameterColumns(sql)
  return Object.fromEntries(params.map((value, i) => [`${DB_QUERY_PARAMETER}.${i}`, parameterValue(value, columns[i])]))
}

export type IsolationLevel = "READ UNCOMMITTED" | "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE"

export interface TransactionOptions {
  readonly isolationLevel?: IsolationLevel | undefined
  readonly readOnly?: boolean | undefined
  /** Recorded as `db.transaction.id`. */
  readonly id?: string | undefined
}

export interface DbClientService {
  /**
   * Runs one statement (inside the current transaction, if any) and returns its rows.
   *
   * @example
   * ```ts
   * const rows = yield* db.query("SELECT * FROM users WHERE organization_id = $1", [orgId], { table: "users" })
   * ```
   */
  readonly query: <Row = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<unknown>,
    options?: QueryOptions
  ) => Effect.Effect<ReadonlyArray<Row>, DbError | DbConnectionError>
  /**
   * Runs an effect in a transaction: committed when it succeeds, rolled back when it fails or is
   * interrupted. Nested, it becomes a savepoint.
   *
   * @example
   * ```ts
   * yield* db.transaction(Effect.all([debit, credit]), { isolationLevel: "SERIALIZABLE" })
   * ```
   */
  readonly transaction: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: TransactionOptions
  ) => Effect.Effect<A, E | DbError | DbConnectionError, R>
  /**
   * Traces a Prisma call: `db.operation.name` is the action, `db.collection.name` the model, and
   * the arguments' shape (keys, never values) is recorded.
   *
   * @example
   * ```ts
   * const users = yield* db.prisma("User", "findMany", () => prisma.user.findMany({ where }), { where })
   * ```
   */
  readonly prisma: <A>(
    model: string,
    operation: string,
    run: () => PromiseLike<A>,
    args?: unknown
  ) => Effect.Effect<A, DbError>
}

/** The connection of the transaction the current fiber runs in, and its savepoint depth. */
interface ActiveTransaction {
  readonly connection: DbConnection
  readonly depth: number
}

const currentTransaction = FiberRef.unsafeMake<ActiveTransaction | undefined>(undefined)

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A driver error as ours: SQLSTATE class 08 and socket errors are connection errors. */
export const toDbError = (error: unknown): DbError | DbConnectionError => {
  const sqlState = sqlStateOf(error)
  const code = (error as { code?: unknown } | null)?.code
  if (sqlState?.startsWith("08") || (sqlState === undefined && typeof code === "string" && code.startsWith("E"))) {
    return new DbConnectionError({ message: errorMessage(error), cause: error })
  }
  const details = error as { detail?: unknown; constraint?: unknown }
  return new DbError({
    message: errorMessage(error),
    sqlState,
    detail: typeof details.detail === "string" ? details.detail : undefined,
    constraint: typeof details.constraint === "string" ? details.constraint : undefined,
    cause: error
  })
}

/** What the driver raised, which the span records as the facade's does. */
const driverError = (error: DbError | DbConnectionError): unknown => error.cause

/** A `DbClient` over a driver (`DbClient.make`). */
const makeDbClient = (driver: DbDriver, clientOptions: DbClientOptions = {}): DbClientService => {
  const acquire = Effect.tryPromise({
    try: () => driver.acquire(),
    catch: (error) => new DbConnectionError({ message: errorMessage(error), cause: error })
  })

  const run = (connection: DbConnection, sql: string, params: ReadonlyArray<unknown>, options: QueryOptions) => {
    const operation = queryOperationSpan({ sql, ...options, namespace: driver.namespace, server: driver.server })
    if ((options.captureParameters ?? clientOptions.captureParameters) === true && params.length > 0) {
      Object.assign(operation.attributes, parameterAttributes(sql, params))
    }
    const failure = (error: unknown) => {
      maskEchoesInError(error, params)
      return toDbError(error)
    }
    return Effect.tryPromise({ try: () => connection.query(sql, params), catch: failure }).pipe(
      withOperationSpan(operation, driverError),
      Effect.map((result) => result.rows)
    )
  }

  const query: DbClientService["query"] = (sql, params = [], options = {}) =>
    Effect.flatMap(FiberRef.get(currentTransaction), (transaction) =>
      transaction === undefined
        ? Effect.acquireUseRelease(acquire, (connection) => run(connection, sql, params, options), (connection) =>
          Effect.sync(() => connection.release()))
        : run(transaction.connection, sql, params, options)) as Effect.Effect<ReadonlyArray<any>, DbError | DbConnectionError>

  const statement = (connection: DbConnection, sql: string) => run(connection, sql, [], {})

  const transaction: DbClientService["transaction"] = (effect, options = {}) => {
    const body = Effect.flatMap(FiberRef.get(currentTransaction), (outer) => {
      if (outer !== undefined) {
        const savepoint = `blipee_sp_${outer.depth + 1}`
        return Effect.acquireUseRelease(
          statement(outer.connection, `SAVEPOINT ${savepoint}`),
          () =>
            Effect.locally(effect, currentTransaction, { connection: outer.connection, depth: outer.depth + 1 }).pipe(
              Effect.tap(() => statement(outer.connection, `RELEASE SAVEPOINT ${savepoint}`))
            ),
          (_, exit) =>
            Exit.isSuccess(exit) ? Effect.void : Effect.ignore(statement(outer.connection, `ROLLBACK TO SAVEPOINT ${savepoint}`))
        )
      }
      const begin = [
        "BEGIN",
        options.isolationLevel === undefined ? "" : ` ISOLATION LEVEL ${options.isolationLevel}`,
        options.readOnly === undefined ? "" : options.readOnly ? " READ ONLY" : " READ WRITE"
      ].join("")
      return Effect.acquireUseRelease(
        Effect.flatMap(acquire, (connection) =>
          statement(connection, begin).pipe(
            Effect.as(connection),
            Effect.tapError(() => Effect.sync(() => connection.release()))
          )),
        (connection) =>
          Effect.locally(effect, currentTransaction, { connection, depth: 0 }).pipe(
            Effect.tap(() => statement(connection, "COMMIT"))
          ),
        (connection, exit) =>
          (Exit.isSuccess(exit) ? Effect.void : Effect.ignore(statement(connection, "ROLLBACK"))).pipe(
            Effect.ensuring(Effect.sync(() => connection.release()))
          )
      )
    })
    return withOperationSpan(transactionOperationSpan(options))(body)
  }

  const prisma: DbClientService["prisma"] = (model, operation, callPrisma, args) => {
    return Effect.tryPromise({
      try: () => Promise.resolve(callPrisma()),
      catch: (error) =>
        new DbError({ message: errorMessage(error), sqlState: sqlStateOf(error), cause: error })
    }).pipe(withOperationSpan(prismaOperationSpan(model, operation, args), driverError))
  }

  return { query, transaction, prisma }
}

/**
 * @example
 * ```ts
 * const program = Effect.gen(function*() {
 *   const db = yield* DbClient
 *   return yield* db.query("SELECT now()")
 * })
 * ```
 */
export class DbClient extends Context.Tag("@blipee/tracing/DbClient")<DbClient, DbClientService>() {
  /**
   * A client over a driver: `pgDriver`, `pgliteDriver`, or your own `DbDriver`.
   *
   * @example
   * ```ts
   * const db = DbClient.make(pgliteDriver(await PGlite.create()))
   * ```
   */
  static make(driver: DbDriver, options: DbClientOptions = {}): DbClientService {
    return makeDbClient(driver, options)
  }

  /**
   * On a PostgreSQL server through node-postgres' pool (`connectionString`, `host`, ... or the
   * `PG*` environment variables). The pool is closed with the layer.
   */
  static layerPg(
    config: PoolConfig = {},
    options: DbClientOptions = {}
  ): Layer.Layer<DbClient, DbConnectionError | MissingPackageError> {
    return layerDriver(
      Effect.flatMap(importOptional("pg", "DbClient.layerPg", () => import("pg")), ({ default: pg }) =>
        Effect.try({
          try: () => pgPoolDriver(pg, config),
          catch: (error) => new DbConnectionError({ message: errorMessage(error), cause: error })
        })),
      options
    )
  }

  /**
   * On PGlite, in process: a new database (in memory, or in `dataDir`), or an instance you
   * created (then left open when the layer ends, for you to reuse).
   */
  static layerPglite(
    options: { readonly dataDir?: string; readonly instance?: PGlite } & DbClientOptions = {}
  ): Layer.Layer<DbClient, DbConnectionError | MissingPackageError> {
    if (options.instance !== undefined) {
      return layerDriver(Effect.succeed(pgliteDriver(options.instance, { closeOnRelease: false })), options)
    }
    return layerDriver(
      Effect.flatMap(
        importOptional("@electric-sql/pglite", "DbClient.layerPglite", () => import("@electric-sql/pglite")),
        ({ PGlite }) =>
          Effect.tryPromise({
            try: async () => pgliteDriver(await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir })),
            catch: (error) => new DbConnectionError({ message: errorMessage(error), cause: error })
          })
      ),
      options
    )
  }
}

const layerDriver = <E>(open: Effect.Effect<DbDriver, E>, options: DbClientOptions): Layer.Layer<DbClient, E> =>
  Layer.scoped(
    DbClient,
    Effect.map(
      Effect.acquireRelease(open, (driver) => Effect.promise(() => driver.close()).pipe(Effect.timeout("5 seconds"), Effect.ignore)),
      (driver) => makeDbClient(driver, { captureParameters: options.captureParameters })
    )
  )
