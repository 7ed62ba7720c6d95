import { PGlite } from "@electric-sql/pglite"
import { traceDatabaseQuery } from "@/lib/tracing/database-tracing"

// One embedded PostgreSQL per server process, seeded on first use.
let database: Promise<PGlite> | undefined
const db = () =>
  (database ??= (async () => {
    const pg = new PGlite()
    await pg.exec(`
      CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, organization_id text NOT NULL);
      INSERT INTO users VALUES (1, 'Ada', 'org-1'), (2, 'Grace', 'org-1'), (3, 'Linus', 'org-2');
    `)
    return pg
  })())

export interface User {
  readonly id: number
  readonly name: string
}

export const usersOf = (orgId: string) =>
  traceDatabaseQuery(
    "SELECT",
    "SELECT id, name FROM users WHERE organization_id = $1 ORDER BY id",
    async () => (await (await db()).query<User>("SELECT id, name FROM users WHERE organization_id = $1 ORDER BY id", [orgId])).rows,
    { table: "users", params: [orgId] }
  )

export const userById = (id: number) =>
  traceDatabaseQuery(
    "SELECT",
    "SELECT id, name FROM users WHERE id = $1",
    async () => (await (await db()).query<User>("SELECT id, name FROM users WHERE id = $1", [id])).rows[0],
    { table: "users", params: [id] }
  )
