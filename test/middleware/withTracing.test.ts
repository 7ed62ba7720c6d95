import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { shutdownTracing, traceAsync } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { serveWebHandler, type WebServer } from "../../scripts/webServer.js"
import { baggage } from "../../src/entries/propagation.js"
import { withTracing } from "../../src/entries/middleware.js"

const spans = initTestTracing({ serviceName: "middleware-test" })
beforeEach(() => spans.reset())
afterAll(() => shutdownTracing())

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const PARENT_ID = "00f067aa0ba902b7"
const serverSpan = (): ReadableSpan => {
  const found = spans.all().filter((span) => span.kind === SpanKind.SERVER)
  expect(found).toHaveLength(1)
  return found[0]!
}

/** One server for the file; each test picks its handler by path. */
const handlers = new Map<string, (request: Request, context?: unknown) => Response | Promise<Response>>()
let server: WebServer
beforeAll(async () => {
  server = await serveWebHandler((request) => {
    const handler = handlers.get(new URL(request.url).pathname)
    return handler ? handler(request) : new Response("no handler", { status: 404 })
  })
})
afterAll(() => server.close())

const route = (path: string, handler: (request: Request, context?: unknown) => Response | Promise<Response>) => {
  handlers.set(path, handler)
  return (init: RequestInit & { query?: string } = {}) => fetch(`${server.url}${path}${init.query ?? ""}`, init)
}

describe("withTracing", () => {
  it("opens a SERVER span named after the route, with the stable HTTP attributes", async () => {
    const call = route("/api/users/42", withTracing(async () => Response.json({ ok: true }), { route: "/api/users/[id]" }))
    const response = await call({ query: "?q=shoes&api_key=abc123", headers: { "user-agent": "test-agent/1.0", "x-forwarded-for": "203.0.113.9, 10.0.0.1" } })
    expect(await response.json()).toEqual({ ok: true })
    const span = serverSpan()
    expect(span.name).toBe("GET /api/users/[id]")
    expect(span.attributes).toMatchObject({
      "http.request.method": "GET",
      "url.path": "/api/users/42",
      "url.scheme": "http",
      "url.query": "q=shoes&api_key=REDACTED",
      "http.route": "/api/users/[id]",
      "http.response.status_code": 200,
      "server.address": "127.0.0.1",
      "client.address": "203.0.113.9",
      "user_agent.original": "test-agent/1.0"
    })
    expect(span.attributes["server.port"]).toBe(Number(new URL(server.url).port))
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })

  it("names the span by the method alone without a route, never by the raw path", async () => {
    await route("/raw/path/123", withTracing(() => new Response("ok")))()
    expect(serverSpan().name).toBe("GET")
    expect(serverSpan().attributes["http.route"]).toBeUndefined()
  })

  it("records 4xx without marking the span failed, and 5xx as an error", async () => {
    await route("/not-found", withTracing(() => new Response("nope", { status: 404 })))()
    expect(serverSpan().status.code).toBe(SpanStatusCode.UNSET)
    expect(serverSpan().attributes["http.response.status_code"]).toBe(404)
    spans.reset()
    await route("/broken", withTracing(() => new Response("down", { status: 503 })))()
    expect(serverSpan().status.code).toBe(SpanStatusCode.ERROR)
    expect(serverSpan().attributes["error.type"]).toBe("503")
  })

  it("turns a thrown error into a 500 with the exception recorded", async () => {
    const errors: Array<unknown> = []
    const original = console.error
    console.error = (error: unknown) => errors.push(error)
    try {
      const response = await route("/throws", withTracing(async () => {
        throw new RangeError("handler exploded")
      }))()
      expect(response.status).toBe(500)
    } finally {
      console.error = original
    }
    const span = serverSpan()
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "handler exploded" })
    expect(span.attributes).toMatchObject({ "error.type": "RangeError", "http.response.status_code": 500 })
    expect(span.events[0]?.attributes?.["exception.message"]).toBe("handler exploded")
    expect(errors).toHaveLength(1)
  })

  it("lets onError choose the response", async () => {
    const response = await route("/custom-error", withTracing(() => {
      throw new Error("teapot")
    }, { onError: () => new Response("custom", { status: 418 }) }))()
    expect(response.status).toBe(418)
    expect(await response.text()).toBe("custom")
  })

  it("continues the caller's trace, keeps its tracestate, and reads its baggage", async () => {
    let seen: unknown
    const call = route("/continue", withTracing(async () => {
      await traceAsync("inner", async () => {})
      seen = {
        baggage: baggage.getAll(),
        traceState: trace.getActiveSpan()?.spanContext().traceState?.serialize()
      }
      return new Response("ok")
    }))
    await call({ headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: "congo=t61rcWkgMzE", baggage: "user.id=user-123" } })
    const span = serverSpan()
    expect(span.spanContext().traceId).toBe(TRACE_ID)
    expect(span.parentSpanContext?.spanId).toBe(PARENT_ID)
    expect(span.parentSpanContext?.isRemote).toBe(true)
    expect(spans.byName("inner")[0]?.parentSpanContext?.spanId).toBe(span.spanContext().spanId)
    expect(seen).toEqual({ baggage: { "user.id": "user-123" }, traceState: "congo=t61rcWkgMzE" })
  })

  it("starts a new trace for a malformed traceparent", async () => {
    await route("/malformed", withTracing(() => new Response("ok")))({
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-1`, tracestate: "congo=t61rcWkgMzE" }
    })
    const span = serverSpan()
    expect(span.spanContext().traceId).not.toBe(TRACE_ID)
    expect(span.parentSpanContext).toBeUndefined()
    expect(span.spanContext().traceState).toBeUndefined()
  })

  it("stamps the tenant from the hook on every span of the request", async () => {
    await route("/tenant", withTracing(async () => {
      await traceAsync("query", async () => {})
      return new Response("ok")
    }, { tenant: (request) => ({ organizationId: request.headers.get("x-org") ?? "none", userId: "user-123" }) }))({
      headers: { "x-org": "org-456" }
    })
    for (const span of spans.all()) expect(span.attributes).toMatchObject({ "tenant.id": "org-456", "user.id": "user-123" })
    expect(spans.all()).toHaveLength(2)
  })

  it("passes a Request subclass and the second argument through unchanged", async () => {
    class NextRequestLike extends Request {
      readonly nextUrl = new URL(this.url)
    }
    const params = Promise.resolve({ id: "42" })
    let received: unknown
    const handler = withTracing(async (request: NextRequestLike, ctx: { params: Promise<{ id: string }> }) => {
      received = [request instanceof NextRequestLike, request.nextUrl.pathname, await ctx.params]
      return new Response("ok")
    }, { route: "/api/items/[id]" })
    // The server sends the body; the span ends once it has.
    await (await handler(new NextRequestLike("http://localhost:3000/api/items/42"), { params })).text()
    expect(received).toEqual([true, "/api/items/42", { id: "42" }])
    expect(serverSpan().attributes["server.address"]).toBe("localhost")
    expect(serverSpan().attributes["server.port"]).toBe(3000)
  })

  it("normalizes an unknown method to _OTHER", async () => {
    await (await withTracing(() => new Response("ok"))(new Request("http://localhost/x", { method: "PURGE" }))).text()
    expect(serverSpan().name).toBe("HTTP")
    expect(serverSpan().attributes).toMatchObject({ "http.request.method": "_OTHER", "http.request.method_original": "PURGE" })
  })
})

describe("withTracing with a streamed body", () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  /** Server-sent events, as an AI route streams tokens: `count` events `gapMs` apart, then `end`. */
  const events = (count: number, gapMs: number, end: "close" | "fail" | "never" = "close") =>
    new ReadableStream<Uint8Array>({
      async start(controller) {
        for (let i = 0; i < count; i++) {
          controller.enqueue(new TextEncoder().encode(`data: token-${i}\n\n`))
          await sleep(gapMs)
        }
        if (end === "close") controller.close()
        if (end === "fail") controller.error(new Error("model stream broke"))
      }
    })
  const settled = async () => {
    for (let i = 0; i < 50 && spans.all().every((span) => span.kind !== SpanKind.SERVER); i++) await sleep(10)
    return serverSpan()
  }
  const sse = { "content-type": "text/event-stream" }

  it("ends the SERVER span when the last event is sent, not when the handler returns", async () => {
    const get = route("/sse", withTracing(() => new Response(events(4, 60), { headers: sse }), { route: "/sse" }))
    const response = await get()
    expect(response.headers.get("content-type")).toBe("text/event-stream")
    const body = await response.text()
    expect(body.match(/token-/g)).toHaveLength(4)
    const span = await settled()
    const durationMs = span.duration[0] * 1_000 + span.duration[1] / 1e6
    expect(durationMs).toBeGreaterThan(200)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
    expect(span.attributes["http.response.status_code"]).toBe(200)
  })

  it("records an error in the middle of the stream on the span", async () => {
    const get = route("/sse-fails", withTracing(() => new Response(events(2, 20, "fail"), { headers: sse })))
    const response = await get()
    await response.text().catch(() => undefined)
    const span = await settled()
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "model stream broke" })
    expect(span.attributes["error.type"]).toBe("Error")
    expect(span.events.map((event) => event.name)).toEqual(["exception"])
  })

  it("ends the span when the client goes away, marked interrupted", async () => {
    const controller = new AbortController()
    const get = route("/sse-forever", withTracing(() => new Response(events(1, 0, "never"), { headers: sse })))
    const response = await get({ signal: controller.signal })
    await response.body!.getReader().read()
    expect(spans.all().filter((span) => span.kind === SpanKind.SERVER)).toHaveLength(0)
    controller.abort()
    const span = await settled()
    expect(span.attributes["status.interrupted"]).toBe(true)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })
})

describe("baggage in the facade", () => {
  it("sets and reads baggage across awaits inside a request", async () => {
    let seen: unknown
    await route("/baggage", withTracing(async () => {
      baggage.set("user.id", "user-123")
      await new Promise((resolve) => setTimeout(resolve, 1))
      baggage.set("tenant.id", "tenant-456")
      await traceAsync("later", async () => {
        seen = { userId: baggage.get("user.id"), all: baggage.getAll() }
      })
      return new Response("ok")
    }))()
    expect(seen).toEqual({ userId: "user-123", all: { "user.id": "user-123", "tenant.id": "tenant-456" } })
  })

  it("keeps 50 concurrent requests apart", async () => {
    const seen = new Map<string, unknown>()
    const call = route("/isolated", withTracing(async (request) => {
      const id = new URL(request.url).searchParams.get("id")!
      baggage.set("request.id", id)
      await new Promise((resolve) => setTimeout(resolve, Number(id) % 7))
      await traceAsync("work", async () => {
        await new Promise((resolve) => setTimeout(resolve, Number(id) % 3))
        seen.set(id, baggage.getAll())
      })
      return new Response(id)
    }))
    const bodies = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      call({ query: `?id=${i}`, headers: { baggage: `origin=client-${i}` } }).then((r) => r.text())
    ))
    expect(bodies).toEqual(Array.from({ length: 50 }, (_, i) => String(i)))
    for (let i = 0; i < 50; i++) expect(seen.get(String(i))).toEqual({ origin: `client-${i}`, "request.id": String(i) })
  })

  it("outside a request scope, set is ignored and get reads nothing", () => {
    baggage.set("lonely", "value")
    expect(baggage.get("lonely")).toBeUndefined()
    expect(baggage.run({ job: "nightly" }, () => {
      baggage.set("step", "2")
      return baggage.getAll()
    })).toEqual({ job: "nightly", step: "2" })
  })

  it("rejects a key that cannot travel in the header", () => {
    expect(() => baggage.set("not a token", "x")).toThrow(/invalid baggage key/)
  })
})

describe("withTracing under Next.js", () => {
  let nextCaught: unknown
  /** What Next.js does around a route handler: its own spans, the route handler span active with `next.route`. */
  const asNext = (handler: (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>) =>
    (request: Request) => {
      const nextTracer = trace.getTracer("next.js")
      const parent = propagation.extract(context.active(), Object.fromEntries(request.headers))
      return nextTracer.startActiveSpan("GET /api/orders/[id]", { kind: SpanKind.SERVER }, parent, (root) =>
        nextTracer.startActiveSpan("executing api route (app) /api/orders/[id]", { attributes: { "next.route": "/(shop)/api/orders/[id]/route" } }, async (runHandler) => {
          try {
            return await handler(request, { params: Promise.resolve({ id: new URL(request.url).pathname.split("/").pop()! }) })
          } catch (error) {
            nextCaught = error
            // Next turns its control-flow errors into responses itself.
            const digest = String((error as { digest?: string }).digest)
            return new Response(null, { status: digest.startsWith("NEXT_REDIRECT") ? 307 : 404 })
          } finally {
            runHandler.end()
            root.end()
          }
        }))
    }
  const nextSpan = (name: string) => spans.all().find((span) => span.instrumentationScope.name === "next.js" && span.name === name)!

  it("nests under Next's span (even with a traceparent), takes next.route, passes { params } through", async () => {
    const seen: Array<unknown> = []
    const call = route("/api/orders/77", asNext(withTracing(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
      seen.push(await params)
      return Response.json({ ok: true })
    })))
    await call({ headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } })
    expect(seen).toEqual([{ id: "77" }])
    const ours = spans.all().find((span) => span.instrumentationScope.name === "@blipee/tracing")!
    const runHandler = nextSpan("executing api route (app) /api/orders/[id]")
    expect(ours.name).toBe("GET /api/orders/[id]")
    expect(ours.attributes["http.route"]).toBe("/api/orders/[id]")
    expect(ours.spanContext().traceId).toBe(TRACE_ID)
    expect(ours.parentSpanContext?.spanId).toBe(runHandler.spanContext().spanId)
    expect(nextSpan("GET /api/orders/[id]").parentSpanContext?.spanId).toBe(PARENT_ID)
  })

  it("lets redirect() and notFound() through untouched, not recorded as failures", async () => {
    const control = (digest: string) => Object.assign(new Error(digest.split(";")[0]), { digest })
    for (const [path, digest, status] of [
      ["/api/orders/1", "NEXT_REDIRECT;replace;/login;307;", 307],
      ["/api/orders/2", "NEXT_HTTP_ERROR_FALLBACK;404", 404]
    ] as const) {
      spans.reset()
      const thrown = control(digest)
      const call = route(path, asNext(withTracing(async () => {
        throw thrown
      })))
      expect((await call()).status).toBe(status)
      expect(nextCaught).toBe(thrown)
      const ours = spans.all().find((span) => span.instrumentationScope.name === "@blipee/tracing")!
      expect(ours.status.code).toBe(SpanStatusCode.UNSET)
      expect(ours.events).toHaveLength(0)
      expect(ours.attributes["http.response.status_code"]).toBe(status)
    }
  })
})
