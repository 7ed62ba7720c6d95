import * as HttpClient from "@effect/platform/HttpClient"
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { afterAll, beforeAll } from "vitest"
import { Baggage, TracedHttpClient } from "../../src/index.js"
import { layerTest, TestSpans } from "../../src/entries/testing.js"
import { type HttpFixture, refusedPort, startHttpFixture } from "../support/httpFixture.js"
import { apiCall } from "../../src/entries/http.js"

let server: HttpFixture
beforeAll(async () => {
  server = await startHttpFixture()
})
afterAll(() => server.close())

const Live = TracedHttpClient.layerFetch({ timeout: "300 millis" }).pipe(
  Layer.provideMerge(layerTest({ http: { requestHeaders: ["x-client"], responseHeaders: ["x-request-id"] } }))
)
const NodeLive = TracedHttpClient.layerNode().pipe(Layer.provideMerge(layerTest()))

const clientSpans = Effect.map(
  Effect.flatMap(TestSpans, (spans) => spans.all),
  (all) => all.filter((span) => span.kind === SpanKind.CLIENT)
)
const onlyClientSpan = Effect.map(clientSpans, (spans): ReadableSpan => {
  expect(spans).toHaveLength(1)
  return spans[0]!
})

describe("TracedHttpClient", () => {
  it.live("records a 2xx with the stable HTTP attributes and sends traceparent, tracestate and baggage", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      server.calls.length = 0
      const response = yield* client.get(`${server.url}/ok?city=Lisbon&token=s3cr3t`, { headers: { "x-client": "demo" } })
      expect(yield* response.json).toEqual({ ok: true })
      const span = yield* onlyClientSpan
      expect(span.name).toBe("GET")
      const port = Number(new URL(server.url).port)
      expect(span.attributes).toMatchObject({
        "http.request.method": "GET",
        "url.full": `${server.url}/ok?city=Lisbon&token=REDACTED`,
        "server.address": "127.0.0.1",
        "server.port": port,
        "http.response.status_code": 200,
        "http.request.header.x-client": ["demo"],
        "http.response.header.x-request-id": ["req-1"]
      })
      expect(span.attributes["http.request.header.traceparent"]).toBeUndefined()
      expect(span.status.code).toBe(SpanStatusCode.UNSET)
      const received = server.calls[0]!.headers
      expect(received.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-03`)
      expect(received.baggage).toBe("user.id=user-123")
      expect(received.b3).toBeUndefined()
      expect(span.parentSpanContext?.spanId).toBe((yield* Effect.currentSpan).spanId)
    }).pipe(Effect.withSpan("caller"), Baggage.withBaggage({ "user.id": "user-123" }), Effect.provide(Live)))

  it.live("passes an upstream tracestate on unchanged", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      server.calls.length = 0
      yield* client.get(`${server.url}/ok`).pipe(
        Effect.withParentSpan(
          (yield* Effect.promise(() => import("@effect/opentelemetry/Tracer"))).makeExternalSpan({
            traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
            spanId: "00f067aa0ba902b7",
            traceFlags: 1,
            traceState: "congo=t61rcWkgMzE"
          })
        )
      )
      expect(server.calls[0]!.headers.tracestate).toBe("congo=t61rcWkgMzE")
      expect(server.calls[0]!.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/)
    }).pipe(Effect.provide(Live)))

  it.live("names the span by a URL template, never by the URL", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      yield* client.get(`${server.url}/ok?id=42`).pipe(TracedHttpClient.withUrlTemplate("/ok"))
      const span = yield* onlyClientSpan
      expect(span.name).toBe("GET /ok")
      expect(span.attributes["url.template"]).toBe("/ok")
    }).pipe(Effect.provide(Live)))

  it.live("follows a redirect in one span, and marks 4xx and 5xx as errors", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      const redirected = yield* client.get(`${server.url}/redirect`)
      expect(redirected.status).toBe(200)
      yield* client.get(`${server.url}/missing`)
      yield* client.get(`${server.url}/error`)
      const [redirect, missing, failed] = yield* clientSpans
      expect(redirect!.attributes["http.response.status_code"]).toBe(200)
      expect(redirect!.status.code).toBe(SpanStatusCode.UNSET)
      expect(missing!.status.code).toBe(SpanStatusCode.ERROR)
      expect(missing!.attributes["error.type"]).toBe("404")
      expect(failed!.attributes).toMatchObject({ "error.type": "500", "http.response.status_code": 500 })
    }).pipe(Effect.provide(Live)))

  it.live("marks a refused connection as an error", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      const port = yield* Effect.promise(refusedPort)
      const result = yield* Effect.either(client.get(`http://127.0.0.1:${port}/`))
      expect(result._tag).toBe("Left")
      const span = yield* onlyClientSpan
      expect(span.status.code).toBe(SpanStatusCode.ERROR)
      expect(span.attributes["error.type"]).toBe("ECONNREFUSED")
      expect(span.events.map((event) => event.name)).toContain("exception")
    }).pipe(Effect.provide(Live)))

  it.live("times out a server that hangs: ERROR with error.type=timeout, and the request is aborted", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      const result = yield* Effect.either(client.get(`${server.url}/hang`))
      expect(result._tag === "Left" && result.left.message).toMatch(/no response within/)
      const span = yield* onlyClientSpan
      expect(span.status.code).toBe(SpanStatusCode.ERROR)
      expect(span.attributes["error.type"]).toBe("timeout")
    }).pipe(Effect.provide(Live)))

  it.live("ends the span of an interrupted request as cancelled, not failed", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      const fiber = yield* Effect.fork(client.get(`${server.url}/hang`))
      yield* Effect.sleep(50)
      yield* Fiber.interrupt(fiber)
      const span = yield* onlyClientSpan
      expect(span.ended).toBe(true)
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR)
      expect(span.attributes["status.interrupted"]).toBe(true)
    }).pipe(Effect.provide(TracedHttpClient.layerFetch().pipe(Layer.provideMerge(layerTest())))))

  it.live("streams a body", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      const response = yield* client.get(`${server.url}/stream`)
      const text = yield* response.stream.pipe(Stream.decodeText(), Stream.mkString)
      expect(text.split("\n").filter(Boolean)).toEqual(["chunk-0", "chunk-1", "chunk-2", "chunk-3", "chunk-4"])
      expect((yield* onlyClientSpan).attributes["http.response.status_code"]).toBe(200)
    }).pipe(Effect.provide(Live)))

  it.live("makes one span per attempt under HttpClient.retry, counting resends", () =>
    Effect.gen(function*() {
      const client = (yield* TracedHttpClient).pipe(
        HttpClient.filterStatusOk,
        HttpClient.retry({ times: 3, schedule: Schedule.spaced("5 millis") })
      )
      const response = yield* client.get(`${server.url}/flaky?key=retry-test&fail=2`)
      expect(response.status).toBe(200)
      const spans = yield* clientSpans
      expect(spans.map((span) => span.attributes["http.response.status_code"])).toEqual([503, 503, 200])
      expect(spans.map((span) => span.attributes["http.request.resend_count"])).toEqual([undefined, 1, 2])
    }).pipe(Effect.provide(Live)))

  it.live("nests its spans under an API call span", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      yield* Effect.all([client.get(`${server.url}/ok`), client.get(`${server.url}/ok`)]).pipe(
        apiCall("weather-service", "get-forecast", { method: "GET", endpoint: "/forecast", params: { lat: 38.7, lon: -9.1, apiKey: "k-123" } })
      )
      const [call] = yield* (yield* TestSpans).byName("weather-service.get-forecast")
      expect(call!.kind).toBe(SpanKind.INTERNAL)
      expect(call!.attributes).toMatchObject({
        "api.service": "weather-service",
        "api.operation": "get-forecast",
        "api.method": "GET",
        "api.endpoint": "/forecast",
        "api.params.lat": 38.7,
        "api.params.lon": -9.1,
        "api.params.apiKey": "[REDACTED]"
      })
      const spans = yield* clientSpans
      expect(spans).toHaveLength(2)
      for (const span of spans) expect(span.parentSpanContext?.spanId).toBe(call!.spanContext().spanId)
    }).pipe(Effect.provide(Live)))

  it.live("reports network.protocol.version with the Node client", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      yield* client.get(`${server.url}/ok`)
      expect((yield* onlyClientSpan).attributes["network.protocol.version"]).toBe("1.1")
    }).pipe(Effect.provide(NodeLive)))

  it.live("sends no trace headers where propagation is not allowed, and does not trace ignored URLs", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      server.calls.length = 0
      yield* client.get(`${server.url}/ok`)
      expect(server.calls[0]!.headers.traceparent).toBeUndefined()
      expect(yield* clientSpans).toHaveLength(1)
      yield* client.get(`${server.url}/missing`)
      expect(yield* clientSpans).toHaveLength(1)
    }).pipe(Effect.provide(TracedHttpClient.layerFetch().pipe(Layer.provideMerge(layerTest({
      http: { propagateTo: ["partner.example.com"], ignoreUrls: [/\/missing$/] }
    }))))))

  it.live("follows the policy of a tracing layer that only the client sees (Layer.provide hides it)", () =>
    Effect.gen(function*() {
      const client = yield* TracedHttpClient
      server.calls.length = 0
      yield* client.get(`${server.url}/ok`)
      yield* client.get(`${server.url}/missing`)
      // Outside any tracing layer nothing is traced or propagated; under this one /ok is, /missing is ignored.
      expect(server.calls.map((call) => [call.path, call.headers.traceparent !== undefined])).toEqual([["/ok", true], ["/missing", false]])
    }).pipe(Effect.provide(TracedHttpClient.layerFetch().pipe(Layer.provide(layerTest({ http: { ignoreUrls: [/\/missing$/] } }))))))
})
