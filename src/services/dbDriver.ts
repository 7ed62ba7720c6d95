/**
 * The two PostgreSQL drivers `DbClient` runs on: node-postgres (a server) and PGlite
 * (PostgreSQL compiled to WebAssembly, in process), behind one small connection interface.
 *
 * @since 0.1.0
 */
import type { PGlite } from "@electric-sql/pglite"
import type { Pool, PoolConfig } from "pg"

/** One session: the queries of a transaction must all go through the same one. */
export interface DbConnection {
  readonly query: (sql: string, params: ReadonlyArray<unknown>) => Promise<{ readonly rows: Array<unknown> }>
  readonly release: () => void
}

export interface DbDriver {
  /** `db.namespace`. */
  readonly namespace: string | undefined
  readonly server: { readonly address: string; readonly port?: number | undefined } | undefined
  readonly acquire: () => Promise<DbConnection>
  readonly close: () => Promise<void>
}

/**
 * node-postgres with a pool.
 *
 * @example
 * ```ts
 * const driver = await pgDriver({ connectionString: process.env.DATABASE_URL })
 * ```
 */
export const pgDriver = async (config: PoolConfig): Promise<DbDriver> => pgPoolDriver((await import("pg")).default, config)

/** node-postgres with a pool, from the loaded `pg` module. */
export const pgPoolDriver = (pg: { readonly Pool: typeof Pool }, config: PoolConfig): DbDriver => {
  const pool: Pool = new pg.Pool(config)
  // An idle client's error (the server restarting) must not crash the process.
  pool.on("error", () => {})
  const options = (pool as unknown as { options: PoolConfig }).options
  const host = options.host ?? process.env.PGHOST ?? "localhost"
  return {
    namespace: options.database ?? process.env.PGDATABASE ?? options.user ?? process.env.PGUSER,
    server: host.startsWith("/") ? undefined : { address: host, port: Number(options.port ?? process.env.PGPORT ?? 5432) },
    acquire: async () => {
      const client = await pool.connect()
      return {
        query: (sql, params) => client.query(sql, params as Array<unknown>),
        release: () => client.release()
      }
    },
    close: () => pool.end()
  }
}

/**
 * PGlite: one in-process database, so sessions take turns (one at a time, in order).
 *
 * @example
 * ```ts
 * const driver = pgliteDriver(await PGlite.create())
 * ```
 */
export const pgliteDriver = (db: PGlite, options: { readonly closeOnRelease?: boolean } = {}): DbDriver => {
  let queue: Promise<void> = Promise.resolve()
  return {
    namespace: "postgres",
    server: undefined,
    acquire: () => {
      let release!: () => void
      const turn = new Promise<void>((resolve) => (release = resolve))
      const ready = queue.then(() => ({
        query: (sql: string, params: ReadonlyArray<unknown>) => db.query(sql, params as Array<unknown>),
        release
      }))
      queue = queue.then(() => turn)
      return ready
    },
    close: () => (options.closeOnRelease === false ? Promise.resolve() : db.close())
  }
}
