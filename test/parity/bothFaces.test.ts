/**
 * The same operation through the Promise facade and through the Effect services makes the same
 * span: name, kind, attributes, status and events (exception messages included), on success and
 * on failure, for every kind of operation both faces trace. Both run in one tracing set-up and
 * are read from one in-memory exporter; only ids, times and exception stacks (the faces are
 * different call sites) are left out of the comparison, and, for the database, the exception's
 * type: an Effect program fails with the typed `DbError`, a facade caller with the driver's
 * error (whose `code` the SDK takes as the type), and each span says which its caller got.
 */
import { PGlite } from "@electric-sql/pglite"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mlOperation, reportProgress, traceAIChatCompletion, tracedCache, traceMLOperation, traceSemanticCache } from "../../src/entries/ai.js"
import { traceDatabaseQuery, traceDatabaseTransaction, tracePrismaOperation } from "../../src/entries/database.js"
import { AiClient, DbClient, runTraced, shutdownTracing, TracedHttpClient } from "../../src/index.js"
import { HttpServerTracing, withTracing } from "../../src/entries/middleware.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { type AiStandIn, startAiStandIn } from "../../scripts/aiStandIn.js"
import { type HttpFixture, refusedPort, startHttpFixture } from "../support/httpFixture.js"
import { traceFetch } from "../../src/entries/http.js"

const spans = initTestTracing({ http: { requestHeaders: ["x-note"], responseHeaders: ["x-request-id"] } })
let fixture: HttpFixture
let refused: string
let pglite: PGlite
beforeAll(async () => {
  ;[fixture, pglite] = await Promise.all([startHttpFixture(), PGlite.create()])
  refused = `http://127.0.0.1:${await refusedPort()}`
})
afterAll(async () => {
  await shutdownTracing()
  await Promise.all([fixture.close(), pglite.close()])
})

/**
 * What a user sees of a span in a trace view, without what necessarily differs per run; its
 * parent by name when the parent is one of `run`, by id when it is remote.
 */
const shown = (span: ReadableSpan, untyped = false, run: ReadonlyArray<ReadableSpan> = []) => ({
  name: span.name,
  parent: run.find((other) => other.spanContext().spanId === span.parentSpanContext?.spanId)?.name ?? span.parentSpanContext?.spanId,
  kind: span.kind,
  attributes: span.attributes,
  status: span.status,
  events: span.events.map((event) => ({
    name: event.name,
    attributes: Object.fromEntries(
      Object.entries(event.attributes ?? {}).filter(([key]) => key !== "exception.stacktrace" && !(untyped && key === "exception.type"))
    )
  }))
})

/** The spans one run makes, named `names` (a face may add spans the other cannot, around). */
const spansOf = async (run: () => Promise<unknown>, names: (span: ReadableSpan) => boolean = () => true, untyped = false) => {
  spans.reset()
  await run().catch(() => {})
  const made = spans.all()
  return made.filter(names).map((span) => shown(span, untyped, made))
}

const exceptionTypes = () => spans.all().flatMap((span) => span.events.map((event) => event.attributes?.["exception.type"]))

describe("HTTP client: traceFetch and TracedHttpClient", () => {
  const cases: Array<[string, () => string, RequestInit]> = [
    ["an answered GET", () => `${fixture.url}/ok?q=1&token=secret`, { headers: { "x-note": "plain" } }],
    ["a 404", () => `${fixture.url}/missing`, {}],
    ["a 500 to a POST", () => `${fixture.url}/error`, { method: "POST", body: "x" }],
    ["a refused connection", () => `${refused}/ok`, {}]
  ]
  it.each(cases)("%s", async (_, url, init) => {
    const facade = await spansOf(() => traceFetch(url(), init))
    const effect = await spansOf(() =>
      runTraced(Effect.gen(function*() {
        const client = yield* TracedHttpClient
        const request = HttpClientRequest.make((init.method ?? "GET") as "GET" | "POST")(url(), {
          headers: (init.headers ?? {}) as Record<string, string>
        })
        return yield* client.execute(init.body === undefined ? request : HttpClientRequest.bodyText(request, String(init.body)))
      }).pipe(Effect.provide(TracedHttpClient.layerFetch())))
    )
    expect(effect).toEqual(facade)
  })
})

describe("database: traceDatabaseQuery and DbClient", () => {
  const db = <A, E>(effect: Effect.Effect<A, E, DbClient>) => runTraced(Effect.provide(effect, DbClient.layerPglite({ instance: pglite })))
  const cases: Array<[string, string, ReadonlyArray<unknown>]> = [
    ["a select with a parameter", "SELECT $1::int AS n, 'ana@example.com' AS email", [42]],
    ["a syntax error", "SELEC 1", []],
    ["a unique violation repeating its value", "INSERT INTO parity_users (email) VALUES ($1)", ["ana@example.com"]]
  ]
  beforeAll(() => pglite.exec("CREATE TABLE parity_users (email text UNIQUE); INSERT INTO parity_users VALUES ('ana@example.com')"))
  it.each(cases)("%s", async (_, sql, params) => {
    const facade = await spansOf(() => traceDatabaseQuery("", sql, () => pglite.query(sql, [...params]), { params, namespace: "postgres" }), undefined, true)
    const effect = await spansOf(() => db(Effect.flatMap(DbClient, (client) => client.query(sql, params))), undefined, true)
    expect(effect).toEqual(facade)
    expect(exceptionTypes()).toEqual(facade[0]!.events.length === 0 ? [] : ["DbError"])
  })

  it("a transaction that commits and one that rolls back", async () => {
    for (const fail of [false, true]) {
      const facade = await spansOf(() => traceDatabaseTransaction("tx-1", async () => {
        if (fail) throw new Error("rolled back")
      }, { isolationLevel: "SERIALIZABLE" }), (span) => span.name === "transaction")
      const effect = await spansOf(() => db(Effect.flatMap(DbClient, (client) =>
        client.transaction(fail ? Effect.fail(new Error("rolled back")) : Effect.void, { isolationLevel: "SERIALIZABLE", id: "tx-1" }))),
        (span) => span.name === "transaction")
      expect(effect).toEqual(facade)
    }
  })

  it("a Prisma operation that returns rows and one that fails", async () => {
    const rows = [{ id: 1 }, { id: 2 }]
    const uniqueViolation = Object.assign(new Error("Unique constraint failed on the fields: (`email`)"), { code: "P2002" })
    for (const call of [() => Promise.resolve(rows), () => Promise.reject(uniqueViolation)]) {
      const args = { where: { email: "ana@example.com" } }
      const facade = await spansOf(() => tracePrismaOperation("User", "findMany", call, args), undefined, true)
      const effect = await spansOf(() => db(Effect.flatMap(DbClient, (client) => client.prisma("User", "findMany", call, args))), undefined, true)
      expect(effect).toEqual(facade)
    }
  })
})

describe("semantic cache: traceSemanticCache and SemanticCache", () => {
  const store = new Map<string, string>()
  const cache = tracedCache({
    lookup: (key) => Effect.sync(() => ({ hit: store.has(key), value: store.get(key), ...(store.has(key) ? { similarity: 0.97 } : {}) })),
    store: (key, value) => Effect.sync(() => void store.set(key, value))
  })
  const lookup = (key: string) => async () => store.has(key) ? { hit: true, value: store.get(key), similarity: 0.97 } : { hit: false, value: undefined }

  it("a miss, a store with a TTL, a hit", async () => {
    const key = "weather in lisbon for ana@example.com"
    const facade = [
      ...await spansOf(() => traceSemanticCache("lookup", key, lookup(key))),
      ...await spansOf(() => traceSemanticCache("store", key, async () => void store.set(key, "sunny"), { ttl: "1 hour" })),
      ...await spansOf(() => traceSemanticCache("lookup", key, lookup(key)))
    ]
    store.clear()
    const effect = [
      ...await spansOf(() => runTraced(cache.lookup(key))),
      ...await spansOf(() => runTraced(cache.store(key, "sunny", "1 hour"))),
      ...await spansOf(() => runTraced(cache.lookup(key)))
    ]
    expect(effect).toEqual(facade)
  })
})

describe("ML operations: traceMLOperation and mlOperation", () => {
  const options = { datasetSize: 10_000, features: 50, epochs: 2, organizationId: "org-1" }
  it("progress events and results, and a failure", async () => {
    for (const fail of [false, true]) {
      const facade = await spansOf(() => traceMLOperation("train", "energy", async (progress) => {
        progress({ epoch: 1, loss: 0.5 })
        if (fail) throw new RangeError("diverged")
        return { metrics: { loss: 0.25, accuracy: 0.9 } }
      }, options))
      const effect = await spansOf(() => runTraced(Effect.gen(function*() {
        yield* reportProgress({ epoch: 1, loss: 0.5 })
        if (fail) return yield* Effect.fail(new RangeError("diverged"))
        return { metrics: { loss: 0.25, accuracy: 0.9 } }
      }).pipe(mlOperation("train", "energy", options))))
      expect(effect).toEqual(facade)
    }
  })
})

describe("AI chat: traceAIChatCompletion and AiClient", () => {
  let standIn: AiStandIn
  beforeAll(async () => {
    standIn = await startAiStandIn()
  })
  afterAll(() => standIn.close())

  const apiKey = "sk-test-key-abcdefghijklmnopqrstuv"
  const messages = [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "Weather in Lisbon?" }]
  const request = { messages, maxTokens: 50, temperature: 0.2, topP: 0.9, userId: "user-1", captureContent: true }
  const ai = <A, E>(effect: Effect.Effect<A, E, AiClient>) =>
    runTraced(Effect.provide(effect, AiClient.layer({ provider: "openai", baseUrl: `${standIn.url}/v1`, apiKey }).pipe(Layer.provide(TracedHttpClient.layerFetch()))))
  // What an SDK does: POST the request, throw an error with the HTTP status when it is not 2xx.
  const post = async (model: string, stream: boolean) => {
    const response = await traceFetch(`${standIn.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        model, messages, max_tokens: 50, temperature: 0.2, top_p: 0.9, user: "user-1",
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {})
      })
    })
    if (!response.ok) throw Object.assign(new Error((await response.json()).error.message), { status: response.status })
    return response
  }
  async function* events(response: Response) {
    const text = await response.text()
    for (const line of text.split("\n")) {
      if (line.startsWith("data: ") && line !== "data: [DONE]") yield JSON.parse(line.slice(6))
    }
  }
  // The stand-in's response ids are new each time and the time to the first chunk is measured:
  // only their presence is compared.
  const varying = ["gen_ai.response.id", "gen_ai.response.time_to_first_chunk"]
  const same = (all: Array<ReturnType<typeof shown>>) =>
    all.map((span) => ({
      ...span,
      attributes: Object.fromEntries(Object.entries(span.attributes).map(([key, value]) => [key, varying.includes(key) ? "present" : value]))
    }))

  it("an answer, its HTTP request as a child", async () => {
    const facade = await spansOf(() =>
      traceAIChatCompletion("openai", "gpt-4o", async () => (await post("gpt-4o", false)).json(), { ...request, stream: false, serverAddress: "127.0.0.1" }))
    const effect = await spansOf(() => ai(Effect.flatMap(AiClient, (client) => client.chatCompletion({ model: "gpt-4o", ...request }))))
    expect(same(effect)).toEqual(same(facade))
    expect(facade.map((span) => span.name)).toEqual(["POST", "chat gpt-4o"])
  })

  it("a streamed answer", async () => {
    const facade = await spansOf(async () => {
      const stream = await traceAIChatCompletion("openai", "gpt-4o", async () => events(await post("gpt-4o", true)), {
        ...request, stream: true, serverAddress: "127.0.0.1"
      })
      for await (const _ of stream) {
        // read to the end
      }
    })
    const effect = await spansOf(() =>
      ai(Effect.flatMap(AiClient, (client) => Stream.runDrain(client.streamChatCompletion({ model: "gpt-4o", ...request })))))
    expect(same(effect)).toEqual(same(facade))
  })

  it("a provider that fails (500)", async () => {
    const facade = await spansOf(() =>
      traceAIChatCompletion("openai", "gpt-4o-broken", async () => (await post("gpt-4o-broken", false)).json(), { ...request, stream: false, serverAddress: "127.0.0.1" }), undefined, true)
    const effect = await spansOf(() => ai(Effect.flatMap(AiClient, (client) => client.chatCompletion({ model: "gpt-4o-broken", ...request }))), undefined, true)
    expect(effect).toEqual(facade)
    expect(exceptionTypes()).toEqual(["AiProviderUnavailable"])
  })
})

describe("HTTP server: withTracing and HttpServerTracing", () => {
  // One route handler per case, written for each face; both get the same request.
  const answers: Record<string, { web: () => Response; effect: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown> }> = {
    ok: { web: () => Response.json({ id: 7 }), effect: HttpServerResponse.json({ id: 7 }).pipe(Effect.orDie) },
    missing: { web: () => new Response("no", { status: 404 }), effect: Effect.succeed(HttpServerResponse.text("no", { status: 404 })) },
    unavailable: { web: () => new Response("down", { status: 503 }), effect: Effect.succeed(HttpServerResponse.text("down", { status: 503 })) },
    thrown: {
      web: () => {
        throw new TypeError("broken handler")
      },
      effect: Effect.die(new TypeError("broken handler"))
    }
  }
  // As a server receives it: with its Host header.
  const request = () =>
    new Request("http://127.0.0.1:3000/users/7?token=secret&page=2", {
      headers: { host: "127.0.0.1:3000", "user-agent": "parity-test/1.0", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }
    })

  it.each(Object.keys(answers))("%s", async (answer) => {
    const { web, effect } = answers[answer]!
    const facade = await spansOf(async () => {
      const response = await withTracing(web, { route: "/users/:id", onError: () => new Response("Internal Server Error", { status: 500 }) })(request())
      await response.text()
    })
    const router = HttpRouter.empty.pipe(HttpRouter.get("/users/:id", effect))
    const handler = HttpApp.toWebHandler(HttpServerTracing.middleware()(router))
    const effectSpans = await spansOf(async () => (await handler(request())).text())
    expect(effectSpans).toEqual(facade)
  })
})
