import { PGlite } from "@electric-sql/pglite"
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { traceDatabaseQuery, traceDatabaseTransaction, tracePrismaOperation } from "../../src/entries/database.js"
import { shutdownTracing } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { withTracing } from "../../src/entries/middleware.js"

const spans = initTestTracing()
let db: PGlite
beforeAll(async () => {
  db = await PGlite.create()
  await db.query("CREATE TABLE users (id int PRIMARY KEY, organization_id text, email text)")
}, 60_000)
beforeEach(() => spans.reset())
afterAll(async () => {
  await shutdownTracing()
  await db.close()
})

describe("traceDatabaseQuery", () => {
  it("takes a node-postgres { text, values } config, and masks what a real PostgreSQL error echoes of the values", async () => {
    await db.query("CREATE TABLE IF NOT EXISTS accounts (email text UNIQUE)")
    await db.query("INSERT INTO accounts VALUES ('mallory.victim@example.org') ON CONFLICT DO NOTHING")
    spans.reset()
    const config = { text: "INSERT INTO accounts (email) VALUES ($1)", values: ["mallory.victim@example.org"] }
    const failed = await traceDatabaseQuery("INSERT", config, () => db.query(config.text, config.values)).catch((error: Error) => error)
    expect(failed).toBeInstanceOf(Error)
    const [span] = spans.all()
    expect(span!.attributes["db.query.text"]).toBe(config.text)
    expect(span!.attributes["db.response.status_code"]).toBe("23505")
    // PostgreSQL's detail says `Key (email)=(mallory.victim@example.org) already exists.`
    expect(JSON.stringify([span!.events, span!.status])).not.toContain("mallory.victim")
    expect((failed as Error & { detail?: string }).detail).toBe("Key (email)=(?) already exists.")
  })

  it("sanitizes in the dialect db.system.name names: MySQL's double quotes are strings", async () => {
    await traceDatabaseQuery("SELECT", "SELECT * FROM users WHERE email = \"ana@example.com\"", async () => [], { system: "mysql" })
    const [span] = spans.all()
    expect(span!.attributes["db.system.name"]).toBe("mysql")
    expect(span!.attributes["db.query.text"]).toBe("SELECT * FROM users WHERE email = ?")
  })

  it("reads SQL Server's dialect from microsoft.sql_server or mssql, and records the well-known name", async () => {
    for (const system of ["microsoft.sql_server", "mssql"]) {
      spans.reset()
      await traceDatabaseQuery(undefined as never, "SELECT [it's], n FROM [dbo].[t] WHERE n = N'José'", async () => [], { system })
      const [span] = spans.all()
      expect(span!.attributes["db.system.name"]).toBe("microsoft.sql_server")
      expect(span!.attributes["db.query.text"]).toBe("SELECT [it's], n FROM [dbo].[t] WHERE n = ?")
      expect(span!.name).toBe("SELECT [dbo].[t]")
    }
  })

  it("records no db.query.text for a text that is only a comment, and names the span by the system", async () => {
    await traceDatabaseQuery(undefined as never, "-- ping", async () => [])
    const [span] = spans.all()
    expect(span!.attributes["db.query.text"]).toBeUndefined()
    expect(span!.name).toBe("postgresql")
  })

  it("traces the seed's query, sanitized, with the row count and the tenant, never the parameters", async () => {
    const orgId = "org-456"
    await db.query("INSERT INTO users VALUES (1, $1, 'a@example.com')", [orgId])
    spans.reset()
    const query = "SELECT * FROM users WHERE organization_id = $1"
    const params = [orgId]
    const result = await traceDatabaseQuery("SELECT", "SELECT * FROM users WHERE organization_id = $1", async () => {
      return await db.query(query, params)
    }, { table: "users", params: [orgId], organizationId: orgId })
    expect(result.rows).toHaveLength(1)
    const [span] = spans.all()
    expect(span!.name).toBe("SELECT users")
    expect(span!.kind).toBe(SpanKind.CLIENT)
    expect(span!.attributes).toMatchObject({
      "db.system.name": "postgresql",
      "db.query.text": query,
      "db.operation.name": "SELECT",
      "db.collection.name": "users",
      "db.response.returned_rows": 1,
      "tenant.id": "org-456"
    })
    expect(Object.values(span!.attributes)).not.toContain("a@example.com")
  })

  it("records the SQLSTATE of a failing query and rethrows its error", async () => {
    await expect(traceDatabaseQuery("SELECT", "SELEC 1", () => db.query("SELEC 1"))).rejects.toMatchObject({ code: "42601" })
    const [span] = spans.all()
    expect(span!.status.code).toBe(SpanStatusCode.ERROR)
    expect(span!.attributes).toMatchObject({ "db.response.status_code": "42601", "error.type": "42601" })
  })

  it("carries the request's tenant", async () => {
    await withTracing(async () => {
      await traceDatabaseQuery("SELECT", "SELECT 1", () => db.query("SELECT 1"))
      return new Response("ok")
    }, { tenant: () => ({ organizationId: "org-9", userId: "user-9" }) })(new Request("http://localhost/"))
    expect(spans.byName("SELECT")[0]!.attributes).toMatchObject({ "tenant.id": "org-9", "user.id": "user-9" })
  })
})

describe("traceDatabaseTransaction", () => {
  const transfer = (fail: boolean) =>
    traceDatabaseTransaction("tx-42", async () => {
      await db.query("BEGIN")
      try {
        await traceDatabaseQuery("INSERT", "INSERT INTO users VALUES ($1, 'org-1', 'x')", () => db.query("INSERT INTO users VALUES ($1, 'org-1', 'x')", [100]))
        if (fail) throw new Error("insufficient funds")
        await db.query("COMMIT")
      } catch (error) {
        await db.query("ROLLBACK")
        throw error
      }
    }, { isolationLevel: "READ COMMITTED", readOnly: false })

  it("wraps the seed's transaction, its queries as children, with its outcome", async () => {
    await transfer(false)
    const tx = spans.byName("transaction")[0]!
    expect(tx.attributes).toMatchObject({
      "db.transaction.id": "tx-42",
      "db.transaction.isolation_level": "READ COMMITTED",
      "db.transaction.read_only": false,
      "db.transaction.outcome": "commit"
    })
    expect(spans.byName("INSERT users")[0]!.parentSpanContext?.spanId).toBe(tx.spanContext().spanId)
  })

  it("marks a rolled-back transaction", async () => {
    await db.query("DELETE FROM users WHERE id = 100")
    await expect(transfer(true)).rejects.toThrow("insufficient funds")
    const tx = spans.byName("transaction")[0]!
    expect(tx.attributes["db.transaction.outcome"]).toBe("rollback")
    expect(tx.status.code).toBe(SpanStatusCode.ERROR)
    expect((await db.query("SELECT * FROM users WHERE id = 100")).rows).toHaveLength(0)
  })
})

describe("tracePrismaOperation", () => {
  it("records model, action and the shape of the arguments, never their values (the seed's example)", async () => {
    const organizationId = "org-secret-1"
    // The wrapped call is any async function: a real query stands in for the Prisma call here.
    const users = await tracePrismaOperation("User", "findMany", async () => {
      return (await db.query("SELECT id FROM users")).rows.concat([{ id: 1 }, { id: 2 }]).slice(-2)
    }, { where: { organizationId }, include: { profile: true } })
    expect(users).toHaveLength(2)
    const [span] = spans.all()
    expect(span!.name).toBe("findMany User")
    expect(span!.attributes).toMatchObject({
      "db.operation.name": "findMany",
      "db.collection.name": "User",
      "db.prisma.args_shape": "{\"where\":{\"organizationId\":\"?\"},\"include\":{\"profile\":\"?\"}}",
      "db.response.returned_rows": 2
    })
    expect(JSON.stringify(span!.attributes)).not.toContain(organizationId)
  })
})
