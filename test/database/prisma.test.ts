import { PGlite } from "@electric-sql/pglite"
import { PrismaInstrumentation } from "@prisma/instrumentation"
import { SpanKind, trace } from "@opentelemetry/api"
import { PrismaPGlite } from "pglite-prisma-adapter"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { prismaTracing } from "../../src/entries/database.js"
import { shutdownTracing, traceAsync } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { PrismaClient } from "../prisma/generated/client.js"

const spans = initTestTracing()
let db: PGlite
let prisma: ReturnType<typeof makeClient>
const makeClient = (pglite: PGlite) => new PrismaClient({ adapter: new PrismaPGlite(pglite) }).$extends(prismaTracing())
let instrumentation: PrismaInstrumentation

beforeAll(async () => {
  db = await PGlite.create()
  // No migrations here: the tables are made with plain SQL.
  await db.exec(`
    CREATE TABLE prisma_users (id int PRIMARY KEY, email text NOT NULL, organization_id text NOT NULL);
    CREATE TABLE prisma_profiles (id int PRIMARY KEY, bio text NOT NULL, user_id int UNIQUE NOT NULL REFERENCES prisma_users(id));
  `)
  instrumentation = new PrismaInstrumentation()
  instrumentation.setTracerProvider(trace.getTracerProvider())
  instrumentation.enable()
  prisma = makeClient(db)
}, 60_000)
beforeEach(() => spans.reset())
afterAll(async () => {
  instrumentation.disable()
  await prisma.$disconnect()
  await shutdownTracing()
  await db.close()
})

describe("prismaTracing, with a real Prisma client", () => {
  it("traces every model operation with its action, model and argument shape", async () => {
    const organizationId = "org-secret-42"
    await prisma.user.create({ data: { id: 1, email: "ana@example.com", organizationId, profile: { create: { id: 1, bio: "hi" } } } })
    const users = await prisma.user.findMany({ where: { organizationId }, include: { profile: true } })
    expect(users).toHaveLength(1)
    expect(users[0]!.profile?.bio).toBe("hi")
    const [create] = spans.byName("create User")
    const [findMany] = spans.byName("findMany User")
    expect(create!.kind).toBe(SpanKind.CLIENT)
    expect(findMany!.attributes).toMatchObject({
      "db.operation.name": "findMany",
      "db.collection.name": "User",
      "db.prisma.args_shape": "{\"where\":{\"organizationId\":\"?\"},\"include\":{\"profile\":\"?\"}}",
      "db.response.returned_rows": 1
    })
    expect(JSON.stringify(spans.all().map((span) => span.attributes))).not.toContain(organizationId)
  })

  it("puts Prisma's own spans and ours in one tree, without duplicating them", async () => {
    await traceAsync("handler", () => prisma.user.count())
    const byId = new Map(spans.all().map((span) => [span.spanContext().spanId, span]))
    const ancestors = (name: string) => {
      const names: Array<string> = []
      let parent = spans.byName(name)[0]!.parentSpanContext?.spanId
      while (parent !== undefined && byId.has(parent)) {
        names.push(byId.get(parent)!.name)
        parent = byId.get(parent)!.parentSpanContext?.spanId
      }
      return names
    }
    // Prisma's operation span wraps the extensions; the query work happens inside ours.
    expect(ancestors("count User")).toEqual(["prisma:client:operation", "handler"])
    expect(ancestors("prisma:client:db_query")).toEqual(["count User", "prisma:client:operation", "handler"])
    expect(new Set(spans.all().map((span) => span.spanContext().traceId)).size).toBe(1)
    expect(spans.all().filter((span) => span.name === "count User")).toHaveLength(1)
  })
})
