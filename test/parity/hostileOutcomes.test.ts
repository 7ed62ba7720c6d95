/**
 * What an operation returns or throws is the caller's, whatever it is: a result or an error
 * whose properties cannot be read (a proxy, a getter that throws) reaches the caller unchanged
 * from both faces, and the span still ends.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { mlOperation, traceAIChatCompletion, tracedCache, traceMLOperation, traceSemanticCache } from "../../src/entries/ai.js"
import { traceDatabaseQuery, traceDatabaseTransaction, tracePrismaOperation } from "../../src/entries/database.js"
import { traceApiClient, traceOutgoingRequest } from "../../src/entries/http.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { runTraced, shutdownTracing } from "../../src/index.js"

const spans = initTestTracing()
beforeEach(() => spans.reset())
afterAll(() => shutdownTracing())

/**
 * Every property read throws, but `then` (which awaiting it reads, traced or not); `in` and
 * the key list answer (Effect itself asks them of a failure).
 */
const hostile = (): object =>
  new Proxy({}, {
    get: (_, key) => {
      if (key === "then") return undefined
      throw new Error("hostile getter")
    },
    has: () => false
  })

describe("a result nobody can read", () => {
  it.each<[string, (value: object) => Promise<unknown>]>([
    ["traceDatabaseQuery", (value) => traceDatabaseQuery("SELECT", "SELECT 1", async () => value)],
    ["tracePrismaOperation", (value) => tracePrismaOperation("User", "findMany", async () => value)],
    ["traceSemanticCache lookup", (value) => traceSemanticCache("lookup", "k", async () => value)],
    ["traceMLOperation", (value) => traceMLOperation("train", "m", async () => value)],
    ["traceDatabaseTransaction", (value) => traceDatabaseTransaction("tx", async () => value)],
    ["traceAIChatCompletion", (value) => traceAIChatCompletion("openai", "gpt-4o", async () => value, { messages: [], captureContent: true })],
    ["traceApiClient", (value) => traceApiClient("weather", "forecast", async () => value)],
    ["traceOutgoingRequest", (value) => traceOutgoingRequest("GET", "http://127.0.0.1:9/x", async () => value)],
    ["SemanticCache (Effect)", (value) =>
      runTraced(tracedCache({ lookup: () => Effect.succeed(value as never), store: () => Effect.void }).lookup("k"))],
    ["mlOperation (Effect)", (value) => runTraced(Effect.succeed(value).pipe(mlOperation("train", "m")))]
  ])("%s hands it back and ends its span", async (_, run) => {
    const value = hostile()
    expect(await run(value)).toBe(value)
    expect(spans.all()).toHaveLength(1)
  })
})

describe("an error nobody can read", () => {
  it.each<[string, (error: object) => Promise<unknown>]>([
    ["traceDatabaseQuery", (error) => traceDatabaseQuery("SELECT", "SELECT $1", async () => Promise.reject(error), { params: ["x"] })],
    ["tracePrismaOperation", (error) => tracePrismaOperation("User", "findMany", async () => Promise.reject(error))],
    ["traceDatabaseTransaction", (error) => traceDatabaseTransaction("tx", async () => Promise.reject(error))],
    ["traceAIChatCompletion", (error) => traceAIChatCompletion("openai", "gpt-4o", async () => Promise.reject(error))],
    ["traceApiClient", (error) => traceApiClient("weather", "forecast", async () => Promise.reject(error))],
    ["traceOutgoingRequest", (error) => traceOutgoingRequest("GET", "http://127.0.0.1:9/x", async () => Promise.reject(error))],
    ["traceMLOperation", (error) => traceMLOperation("train", "m", async () => Promise.reject(error))]
  ])("%s rethrows it and ends its span", async (_, run) => {
    const error = hostile()
    await expect(run(error)).rejects.toBe(error)
    expect(spans.all()).toHaveLength(1)
  })
})

describe("an Effect failure nobody can read", () => {
  it.each<[string, (error: object) => Effect.Effect<unknown, unknown>]>([
    ["mlOperation", (error) => Effect.fail(error).pipe(mlOperation("train", "m"))],
    ["SemanticCache lookup", (error) => tracedCache({ lookup: () => Effect.fail(error as never), store: () => Effect.void }).lookup("k")],
    ["a defect under mlOperation", (error) => Effect.die(error).pipe(mlOperation("train", "m"), Effect.catchAllDefect(Effect.fail))]
  ])("%s fails with it and ends its span", async (_, make) => {
    const error = hostile()
    const result = await runTraced(Effect.either(make(error)))
    // Effect itself wraps a failure raised inside a span (with the span); the original is inside.
    expect(Either.isLeft(result) && Cause.originalError(result.left)).toBe(error)
    expect(spans.all()).toHaveLength(1)
    expect(spans.all()[0]!.status.code).toBe(2)
  })
})
