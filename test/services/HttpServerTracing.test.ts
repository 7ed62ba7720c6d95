import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { createServer } from "node:http"
import { Baggage, Tenant } from "../../src/index.js"
import { injectHeaders } from "../../src/entries/propagation.js"
import * as HttpServerTracing from "../../src/services/HttpServerTracing.js"
import { TestSpans, TracingTest } from "../../src/entries/testing.js"

/** Server-sent events 60 ms apart, as an AI route streams tokens, then the end, a failure, or nothing. */
const tokens = (count: number, end: "end" | "fail" | "never") =>
  Stream.range(1, count).pipe(
    Stream.schedule(Schedule.spaced("60 millis")),
    Stream.map((i) => new TextEncoder().encode(`data: token-${i}\n\n`)),
    Stream.concat(end === "fail" ? Stream.fail(new Error("model stream broke")) : end === "never" ? Stream.never : Stream.empty)
  )

const router = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/users/:id",
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.void, "load_user")
      const outgoing = yield* injectHeaders({} as Record<string, string>)
      return yield* HttpServerResponse.json({
        outgoingTracestate: outgoing.tracestate,
        baggage: yield* Baggage.getAll,
        tenant: Option.getOrUndefined(yield* Tenant.current)
      })
    })
  ),
  HttpRouter.get("/missing", HttpServerResponse.text("no", { status: 404 })),
  HttpRouter.get("/unavailable", HttpServerResponse.text("down", { status: 503 })),
  HttpRouter.get("/defect", Effect.die(new TypeError("broken handler"))),
  HttpRouter.get("/events", HttpServerResponse.stream(tokens(4, "end"), { contentType: "text/event-stream" })),
  HttpRouter.get("/events-fail", HttpServerResponse.stream(tokens(2, "fail"), { contentType: "text/event-stream" })),
  HttpRouter.get("/events-forever", HttpServerResponse.stream(tokens(1, "never"), { contentType: "text/event-stream" })),
  HttpRouter.get("/bad", Effect.fail(new HttpServerError.RequestError({ request: undefined as never, reason: "Decode" })))
)

const ServerLive = HttpServerTracing.serve(router, {
  tenant: (request) => request.headers["x-org"] === undefined ? undefined : { organizationId: request.headers["x-org"] }
}).pipe(
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
  Layer.provideMerge(TracingTest)
)

const call = (path: string, headers: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const server = yield* HttpServer.HttpServer
    const address = server.address as HttpServer.TcpAddress
    const response = yield* Effect.promise(() => fetch(`http://127.0.0.1:${address.port}${path}`, { headers }))
    const body = yield* Effect.promise(() => response.text())
    // The server span ends just after the response is written.
    yield* Effect.sleep(20)
    const spans = yield* TestSpans
    const server_ = (yield* spans.all).filter((span) => span.kind === SpanKind.SERVER)
    return { status: response.status, body, server: server_, spans }
  })

describe("HttpServerTracing", () => {
  it.live("gives each request one SERVER span named by the route, with the caller's context", () =>
    Effect.gen(function*() {
      const { status, body, server, spans } = yield* call("/users/42?api_key=s3cr3t", {
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        tracestate: "congo=t61rcWkgMzE",
        baggage: "user.id=user-123",
        "x-org": "org-456"
      })
      expect(status).toBe(200)
      expect(JSON.parse(body)).toEqual({
        outgoingTracestate: "congo=t61rcWkgMzE",
        baggage: { "user.id": "user-123" },
        tenant: { organizationId: "org-456" }
      })
      expect(server).toHaveLength(1)
      const span = server[0]!
      expect(span.name).toBe("GET /users/:id")
      expect(span.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736")
      expect(span.parentSpanContext?.spanId).toBe("00f067aa0ba902b7")
      expect(span.spanContext().traceState?.serialize()).toBe("congo=t61rcWkgMzE")
      expect(span.attributes).toMatchObject({
        "http.request.method": "GET",
        "http.route": "/users/:id",
        "url.path": "/users/42",
        "url.query": "api_key=REDACTED",
        "http.response.status_code": 200,
        "tenant.id": "org-456"
      })
      const [child] = yield* spans.byName("load_user")
      expect(child!.parentSpanContext?.spanId).toBe(span.spanContext().spanId)
      expect(child!.attributes["tenant.id"]).toBe("org-456")
    }).pipe(Effect.provide(ServerLive)))

  it.live("marks 5xx and defects as errors, and 4xx not", () =>
    Effect.gen(function*() {
      const missing = yield* call("/missing")
      expect(missing.server.at(-1)!.status.code).toBe(SpanStatusCode.UNSET)
      // Semconv HTTP server spans: a 4xx leaves the status unset, whether a handler answered it
      // or a failure did (no route matched, a request that does not decode).
      for (const path of ["/no/such/route", "/bad"]) {
        const failed = yield* call(path)
        expect(failed.status).toBe(path === "/bad" ? 400 : 404)
        const span = failed.server.at(-1)!
        expect(span.status).toEqual({ code: SpanStatusCode.UNSET })
        expect(span.attributes["http.response.status_code"]).toBe(failed.status)
        expect(span.attributes["error.type"]).toBeUndefined()
        expect(span.events).toEqual([])
      }
      const unavailable = yield* call("/unavailable")
      expect(unavailable.server.at(-1)!.status.code).toBe(SpanStatusCode.ERROR)
      expect(unavailable.server.at(-1)!.attributes["error.type"]).toBe("503")
      const defect = yield* call("/defect")
      expect(defect.status).toBe(500)
      const span = defect.server.at(-1)!
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "broken handler" })
      expect(span.attributes).toMatchObject({ "error.type": "TypeError", "http.response.status_code": 500 })
      expect(span.events.map((event) => event.name)).toContain("exception")
    }).pipe(Effect.provide(ServerLive)))

  it.live("ends a streamed response's span with the stream: sent, failed, or given up by the client", () =>
    Effect.gen(function*() {
      const server = yield* HttpServer.HttpServer
      const port = (server.address as HttpServer.TcpAddress).port
      const spans = yield* TestSpans
      const serverSpans = (path: string) =>
        Effect.map(spans.all, (all) => all.filter((span) => span.kind === SpanKind.SERVER && span.attributes["url.path"] === path))
      const settle = (path: string) =>
        Effect.flatMap(serverSpans(path), (found) => found.length === 1 ? Effect.succeed(found[0]!) : Effect.fail(`pending ${path}: ${found.length}`)).pipe(
          Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.compose(Schedule.recurs(100))))
        )

      const body = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/events`).then((r) => r.text()))
      expect(body.match(/token-/g)).toHaveLength(4)
      const sent = yield* settle("/events")
      expect(sent.duration[0] * 1_000 + sent.duration[1] / 1e6).toBeGreaterThan(150)
      expect(sent.status.code).toBe(SpanStatusCode.UNSET)

      yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/events-fail`).then((r) => r.text()).catch(() => ""))
      const failed = yield* settle("/events-fail")
      expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "model stream broke" })
      expect(failed.events.map((event) => event.name)).toEqual(["exception"])

      const controller = new AbortController()
      const reader = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${port}/events-forever`, { signal: controller.signal }).then((r) => r.body!.getReader())
      )
      yield* Effect.promise(() => reader.read())
      expect(yield* serverSpans("/events-forever")).toHaveLength(0)
      controller.abort()
      const gone = yield* settle("/events-forever")
      expect(gone.attributes["status.interrupted"]).toBe(true)
    }).pipe(Effect.provide(ServerLive)))
})
