import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { runTraced, shutdownTracing, traceAsync, TracedHttpClient } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { type HttpFixture, refusedPort, startHttpFixture } from "../support/httpFixture.js"
import { baggage } from "../../src/entries/propagation.js"
import { traceApiClient, traceFetch, traceOutgoingRequest } from "../../src/entries/http.js"

const spans = initTestTracing({ http: { responseHeaders: ["x-request-id"] } })
let server: HttpFixture
beforeAll(async () => {
  server = await startHttpFixture()
})
beforeEach(() => {
  spans.reset()
  server.calls.length = 0
})
afterAll(async () => {
  await shutdownTracing()
  await server.close()
})

const clientSpans = (): Array<ReadableSpan> => spans.all().filter((span) => span.kind === SpanKind.CLIENT)

describe("traceFetch", () => {
  it("returns fetch's response, traced, with the trace headers sent (the seed's example)", async () => {
    const response = await traceFetch(`${server.url}/ok?api_key=abc`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ a: 1 })
    })
    expect(response).toBeInstanceOf(Response)
    expect(await response.json()).toEqual({ ok: true })
    const [span] = clientSpans()
    expect(span!.name).toBe("POST")
    expect(span!.attributes).toMatchObject({
      "http.request.method": "POST",
      "url.full": `${server.url}/ok?api_key=REDACTED`,
      "http.response.status_code": 200,
      "http.response.header.x-request-id": ["req-1"]
    })
    const received = server.calls[0]!.headers
    expect(received["content-type"]).toBe("application/json")
    expect(received.traceparent).toBe(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-03`)
  })

  it("accepts a Request, keeping its method, headers and body", async () => {
    const response = await traceFetch(new Request(`${server.url}/ok`, { method: "PUT", headers: { "x-a": "1" }, body: "payload" }))
    expect(response.status).toBe(200)
    expect(server.calls[0]).toMatchObject({ method: "PUT", headers: { "x-a": "1" } })
    expect(server.calls[0]!.headers.traceparent).toBeDefined()
  })

  it("carries the request's baggage and nests under the active span", async () => {
    await baggage.run({ "user.id": "user-123" }, () => traceAsync("parent", () => traceFetch(`${server.url}/ok`)))
    expect(server.calls[0]!.headers.baggage).toBe("user.id=user-123")
    expect(clientSpans()[0]!.parentSpanContext?.spanId).toBe(spans.byName("parent")[0]!.spanContext().spanId)
  })

  it("marks 404 and 500 as errors and rethrows a refused connection", async () => {
    await traceFetch(`${server.url}/missing`)
    await traceFetch(`${server.url}/error`)
    await expect(traceFetch(`http://127.0.0.1:${await refusedPort()}/`)).rejects.toThrow(TypeError)
    const [missing, failed, refused] = clientSpans()
    expect(missing!.attributes["error.type"]).toBe("404")
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR)
    expect(refused!.status.code).toBe(SpanStatusCode.ERROR)
    expect(refused!.attributes["error.type"]).toBe("ECONNREFUSED")
  })

  it("tells a caller's abort (cancelled) from a timeout (ERROR)", async () => {
    const controller = new AbortController()
    const aborted = traceFetch(`${server.url}/hang`, { signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" })
    await expect(traceFetch(`${server.url}/hang`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: "TimeoutError" })
    const [cancelled, timedOut] = clientSpans()
    expect(cancelled!.status.code).toBe(SpanStatusCode.UNSET)
    expect(cancelled!.attributes["status.interrupted"]).toBe(true)
    expect(timedOut!.status.code).toBe(SpanStatusCode.ERROR)
    expect(timedOut!.attributes["error.type"]).toBe("timeout")
  })
})

describe("traceOutgoingRequest", () => {
  it("hands the trace headers to a custom client and records the returned status (the seed's example)", async () => {
    const customHttpClient = {
      get: async (url: string, headers: Record<string, string>) => {
        const response = await fetch(url, { headers })
        return { statusCode: response.status, body: await response.text() }
      }
    }
    const url = `${server.url}/missing`
    const data = await traceOutgoingRequest("GET", url, async (headers) => customHttpClient.get(url, headers))
    expect(data.statusCode).toBe(404)
    const [span] = clientSpans()
    expect(span!.attributes["http.response.status_code"]).toBe(404)
    expect(span!.status.code).toBe(SpanStatusCode.ERROR)
    expect(server.calls[0]!.headers.traceparent).toContain(span!.spanContext().spanId)
  })

  it("records a failure and rethrows it", async () => {
    await expect(traceOutgoingRequest("GET", "https://api.example.com/resource", async () => {
      throw new Error("socket hang up")
    })).rejects.toThrow("socket hang up")
    expect(clientSpans()[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: "socket hang up" })
  })
})

describe("traceApiClient", () => {
  it("parents the requests of one logical call (the seed's example), facade and Effect alike", async () => {
    const weatherAPI = {
      getForecast: async () => {
        await traceFetch(`${server.url}/flaky?key=weather&fail=1`)
        return (await traceFetch(`${server.url}/flaky?key=weather&fail=1`)).text()
      }
    }
    const weatherData = await traceApiClient("weather-service", "get-forecast", async () => weatherAPI.getForecast(), {
      method: "GET",
      endpoint: "/forecast",
      params: { lat: 38.7, lon: -9.1 }
    })
    expect(weatherData).toBe("2")
    const [call] = spans.byName("weather-service.get-forecast")
    expect(call!.attributes).toMatchObject({ "api.endpoint": "/forecast", "api.params.lat": 38.7 })
    const requests = clientSpans()
    expect(requests.map((span) => span.attributes["http.response.status_code"])).toEqual([503, 200])
    for (const span of requests) expect(span.parentSpanContext?.spanId).toBe(call!.spanContext().spanId)
  })

  it("puts facade and Effect HTTP spans in one trace", async () => {
    await traceApiClient("payments", "charge", () =>
      runTraced(
        Effect.gen(function*() {
          const client = yield* TracedHttpClient
          return yield* client.post(`${server.url}/ok`)
        }).pipe(Effect.provide(TracedHttpClient.layerFetch()))
      ))
    const [call] = spans.byName("payments.charge")
    const [client] = clientSpans()
    expect(client!.spanContext().traceId).toBe(call!.spanContext().traceId)
    expect(client!.parentSpanContext?.spanId).toBe(call!.spanContext().spanId)
  })

  it("wraps an Effect and returns an Effect", async () => {
    const result = await runTraced(traceApiClient("svc", "op", Effect.succeed(7)))
    expect(result).toBe(7)
    expect(spans.byName("svc.op")).toHaveLength(1)
  })
})
