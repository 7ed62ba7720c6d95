/**
 * The DbClient behaviours every backend must show; run against PGlite and the real server.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { DbClient, Tenant } from "../../src/index.js"
import { layerTest, TestSpans } from "../../src/entries/testing.js"

export const dbClientSuite = (dbLayer: () => Layer.Layer<DbClient, unknown>, table: string) => {
  const Live = () => Layer.merge(dbLayer(), layerTest()).pipe(Layer.orDie)
  const spansNamed = (prefix: string) =>
    Effect.map(Effect.flatMap(TestSpans, (s) => s.all), (all) => all.filter((span) => span.name.startsWith(prefix)))
  const childrenOf = (parent: ReadableSpan, all: ReadonlyArray<ReadableSpan>) =>
    all.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId).map((span) => span.name)
  const setup = Effect.gen(function*() {
    const db = yield* DbClient
    yield* db.query(`DROP TABLE IF EXISTS ${table}`)
    yield* db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, email text NOT NULL, organization_id text)`)
    yield* (yield* TestSpans).reset
    return db
  })

  it.live("records a query as a CLIENT span with sanitized text and no parameters", () =>
    Effect.gen(function*() {
      const db = yield* setup
      yield* db.query(`INSERT INTO ${table} (id, email, organization_id) VALUES ($1, $2, $3), (2, 'b@example.com', 'org-456')`, [1, "a@example.com", "org-456"])
      const rows = yield* db.query<{ id: number }>(`SELECT id FROM ${table} WHERE organization_id = $1 AND email <> 'x@example.com'`, ["org-456"])
      expect(rows.map((row) => row.id).sort()).toEqual([1, 2])
      const [insert] = yield* spansNamed("INSERT")
      const [select] = yield* spansNamed("SELECT")
      expect(insert!.kind).toBe(SpanKind.CLIENT)
      expect(insert!.name).toBe(`INSERT ${table}`)
      expect(insert!.attributes).toMatchObject({
        "db.system.name": "postgresql",
        "db.query.text": `INSERT INTO ${table} (id, email, organization_id) VALUES ($1, $2, $3), (?, ?, ?)`,
        "db.query.summary": `INSERT ${table}`,
        "db.operation.name": "INSERT",
        "db.collection.name": table
      })
      expect(select!.attributes).toMatchObject({
        "db.query.text": `SELECT id FROM ${table} WHERE organization_id = $1 AND email <> ?`,
        "db.response.returned_rows": 2
      })
      expect(typeof select!.attributes["db.namespace"]).toBe("string")
      const everything = JSON.stringify([insert!.attributes, select!.attributes])
      for (const value of ["a@example.com", "b@example.com", "x@example.com", "org-456"]) expect(everything).not.toContain(value)
    }).pipe(Effect.provide(Live())))

  it.live("records parameters only when asked, and then redacted", () =>
    Effect.gen(function*() {
      const db = yield* setup
      yield* db.query(`SELECT id FROM ${table} WHERE email = $1 AND id = $2`, ["ana@example.com", 7], { captureParameters: true })
      const [span] = yield* spansNamed("SELECT")
      expect(span!.attributes["db.query.parameter.0"]).toBe("[REDACTED]")
      expect(span!.attributes["db.query.parameter.1"]).toBe(7)
    }).pipe(Effect.provide(Live())))

  it.live("names the span from the caller's table and carries the tenant", () =>
    Effect.gen(function*() {
      const db = yield* setup
      yield* db.query(`SELECT count(*) FROM ${table}`, [], { table: "users" }).pipe(
        Tenant.withTenant({ organizationId: "org-456", userId: "user-123" })
      )
      const [span] = yield* spansNamed("SELECT")
      expect(span!.name).toBe("SELECT users")
      expect(span!.attributes).toMatchObject({ "db.collection.name": "users", "tenant.id": "org-456", "user.id": "user-123" })
    }).pipe(Effect.provide(Live())))

  it.live("fails a syntax error with its SQLSTATE, on the error and on the span", () =>
    Effect.gen(function*() {
      const db = yield* setup
      const result = yield* Effect.either(db.query("SELEC 1"))
      expect(result._tag === "Left" && result.left._tag).toBe("DbError")
      expect(result._tag === "Left" && result.left._tag === "DbError" && result.left.sqlState).toBe("42601")
      const [span] = (yield* (yield* TestSpans).all)
      expect(span!.status.code).toBe(SpanStatusCode.ERROR)
      expect(span!.attributes).toMatchObject({ "db.response.status_code": "42601", "error.type": "42601" })
    }).pipe(Effect.provide(Live())))

  it.live("reports a constraint violation", () =>
    Effect.gen(function*() {
      const db = yield* setup
      yield* db.query(`INSERT INTO ${table} (id, email) VALUES (1, 'a')`)
      const result = yield* Effect.either(db.query(`INSERT INTO ${table} (id, email) VALUES (1, 'a')`))
      expect(result._tag === "Left" && result.left._tag === "DbError" && [result.left.sqlState, result.left.constraint])
        .toEqual(["23505", `${table}_pkey`])
    }).pipe(Effect.provide(Live())))

  it.live("commits a transaction, its statements children of its span", () =>
    Effect.gen(function*() {
      const db = yield* setup
      yield* db.transaction(
        Effect.all([db.query(`INSERT INTO ${table} (id, email) VALUES (1, 'a')`), db.query(`INSERT INTO ${table} (id, email) VALUES (2, 'b')`)]),
        { isolationLevel: "SERIALIZABLE", id: "tx-1" }
      )
      expect(yield* db.query(`SELECT id FROM ${table}`)).toHaveLength(2)
      const all = yield* (yield* TestSpans).all
      const [tx] = yield* spansNamed("transaction")
      expect(tx!.attributes).toMatchObject({ "db.transaction.outcome": "commit", "db.transaction.isolation_level": "SERIALIZABLE", "db.transaction.id": "tx-1" })
      expect(childrenOf(tx!, all)).toEqual(["BEGIN", `INSERT ${table}`, `INSERT ${table}`, "COMMIT"])
    }).pipe(Effect.provide(Live())))

  it.live("rolls a transaction back when its effect fails", () =>
    Effect.gen(function*() {
      const db = yield* setup
      const result = yield* Effect.either(db.transaction(Effect.gen(function*() {
        yield* db.query(`INSERT INTO ${table} (id, email) VALUES (1, 'a')`)
        return yield* Effect.fail("business rule broken" as const)
      })))
      expect(result).toMatchObject({ _tag: "Left", left: "business rule broken" })
      expect(yield* db.query(`SELECT id FROM ${table}`)).toHaveLength(0)
      const all = yield* (yield* TestSpans).all
      const [tx] = yield* spansNamed("transaction")
      expect(tx!.attributes["db.transaction.outcome"]).toBe("rollback")
      expect(tx!.status.code).toBe(SpanStatusCode.ERROR)
      expect(childrenOf(tx!, all)).toEqual(["BEGIN", `INSERT ${table}`, "ROLLBACK"])
    }).pipe(Effect.provide(Live())))

  it.live("rolls back a transaction interrupted midway, and ends its span", () =>
    Effect.gen(function*() {
      const db = yield* setup
      const fiber = yield* Effect.fork(db.transaction(Effect.gen(function*() {
        yield* db.query(`INSERT INTO ${table} (id, email) VALUES (1, 'a')`)
        yield* Effect.never
      })))
      yield* Effect.sleep(200)
      yield* Fiber.interrupt(fiber)
      expect(yield* db.query(`SELECT id FROM ${table}`)).toHaveLength(0)
      const [tx] = yield* spansNamed("transaction")
      expect(tx!.ended).toBe(true)
      expect(tx!.attributes["db.transaction.outcome"]).toBe("rollback")
    }).pipe(Effect.provide(Live())))

  it.live("turns a nested transaction into a savepoint", () =>
    Effect.gen(function*() {
      const db = yield* setup
      yield* db.transaction(Effect.gen(function*() {
        yield* db.query(`INSERT INTO ${table} (id, email) VALUES (1, 'kept')`)
        yield* Effect.ignore(db.transaction(Effect.zipRight(db.query(`INSERT INTO ${table} (id, email) VALUES (2, 'undone')`), Effect.fail("inner"))))
      }))
      const rows = yield* db.query<{ email: string }>(`SELECT email FROM ${table}`)
      expect(rows.map((row) => row.email)).toEqual(["kept"])
      expect((yield* spansNamed("SAVEPOINT")).length).toBe(1)
      expect((yield* spansNamed("ROLLBACK")).length).toBe(1)
    }).pipe(Effect.provide(Live())))

  it.live("keeps the spans of concurrent transactions apart", () =>
    Effect.gen(function*() {
      const db = yield* setup
      yield* Effect.all(
        [1, 2, 3].map((id) =>
          db.transaction(db.query(`INSERT INTO ${table} (id, email) VALUES (${id}, 'x')`), { id: `tx-${id}` })
        ),
        { concurrency: "unbounded" }
      )
      const all = yield* (yield* TestSpans).all
      const transactions = yield* spansNamed("transaction")
      expect(transactions).toHaveLength(3)
      for (const tx of transactions) {
        expect(childrenOf(tx, all)).toEqual(["BEGIN", `INSERT ${table}`, "COMMIT"])
        const insert = all.find((span) => span.name === `INSERT ${table}` && span.parentSpanContext?.spanId === tx.spanContext().spanId)!
        expect(insert.spanContext().traceId).toBe(tx.spanContext().traceId)
      }
    }).pipe(Effect.provide(Live())))
}
