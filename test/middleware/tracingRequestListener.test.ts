import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { shutdownTracing, traceAsync } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { baggage } from "../../src/entries/propagation.js"
import { tracingRequestListener } from "../../src/entries/middleware.js"

const spans = initTestTracing()
beforeEach(() => spans.reset())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const listener = tracingRequestListener(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost")
  switch (url.pathname) {
    case "/boom":
      throw new TypeError("broken handler")
    case "/reject":
      return Promise.reject(new RangeError("rejected"))
    case "/unavailable":
      return void res.writeHead(503).end("down")
    case "/stream":
      res.writeHead(200, { "content-type": "text/plain" })
      for (let i = 0; i < 4; i++) {
        res.write(`chunk-${i}\n`)
        await sleep(60)
      }
      return void res.end()
    case "/forever":
      res.writeHead(200, { "content-type": "text/event-stream" })
      res.write("data: first\n\n")
      return
    default: {
      const inner = await traceAsync("load_user", async () => baggage.get("user.id"))
      res.writeHead(url.pathname.startsWith("/users/") ? 200 : 404, { "content-type": "application/json" })
      res.end(JSON.stringify({ user: inner }))
    }
  }
}, { route: (req) => req.url?.startsWith("/users/") ? "/users/:id" : undefined })

let server: http.Server
let base: string
beforeAll(async () => {
  server = http.createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await shutdownTracing()
})

const serverSpan = async () => {
  // The span ends when the response is fully sent, a moment after the client has read it.
  for (let i = 0; i < 50 && spans.all().every((span) => span.kind !== SpanKind.SERVER); i++) await sleep(10)
  const found = spans.all().filter((span) => span.kind === SpanKind.SERVER)
  expect(found).toHaveLength(1)
  return found[0]!
}

describe("tracingRequestListener", () => {
  it("gives a plain Node request one SERVER span by the route, under the caller's trace, with its baggage", async () => {
    const response = await fetch(`${base}/users/42?token=s3cr3t`, {
      headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", baggage: "user.id=user-123" }
    })
    expect(await response.json()).toEqual({ user: "user-123" })
    const span = await serverSpan()
    expect(span.name).toBe("GET /users/:id")
    expect(span.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736")
    expect(span.parentSpanContext?.spanId).toBe("00f067aa0ba902b7")
    expect(span.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/users/:id",
      "url.path": "/users/42",
      "url.query": "token=REDACTED",
      "http.response.status_code": 200,
      "server.address": "127.0.0.1",
      "client.address": "127.0.0.1"
    })
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
    expect(spans.byName("load_user")[0]!.parentSpanContext?.spanId).toBe(span.spanContext().spanId)
  })

  it("leaves a 4xx unset and marks a 5xx as an error", async () => {
    await (await fetch(`${base}/nowhere`)).text()
    const missing = await serverSpan()
    expect(missing.name).toBe("GET")
    expect(missing.status.code).toBe(SpanStatusCode.UNSET)
    expect(missing.attributes["http.response.status_code"]).toBe(404)
    spans.reset()
    await (await fetch(`${base}/unavailable`)).text()
    const unavailable = await serverSpan()
    expect(unavailable.status.code).toBe(SpanStatusCode.ERROR)
    expect(unavailable.attributes["error.type"]).toBe("503")
  })

  for (const [path, type, message] of [["/boom", "TypeError", "broken handler"], ["/reject", "RangeError", "rejected"]]) {
    it(`records a handler's ${type} and answers 500 instead of crashing (${path})`, async () => {
      const errors: Array<unknown> = []
      const log = console.error
      console.error = (error: unknown) => void errors.push(error)
      try {
        const response = await fetch(`${base}${path}`)
        expect(response.status).toBe(500)
        const span = await serverSpan()
        expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message })
        expect(span.attributes).toMatchObject({ "error.type": type, "http.response.status_code": 500 })
        expect(span.events.map((event) => event.name)).toEqual(["exception"])
        expect(errors).toHaveLength(1)
      } finally {
        console.error = log
      }
    })
  }

  it("ends a streamed response's span when the last chunk is sent", async () => {
    const started = performance.now()
    const body = await (await fetch(`${base}/stream`)).text()
    expect(body.split("\n").filter(Boolean)).toHaveLength(4)
    const span = await serverSpan()
    const durationMs = span.duration[0] * 1_000 + span.duration[1] / 1e6
    expect(durationMs).toBeGreaterThan(200)
    expect(durationMs).toBeLessThan(performance.now() - started + 5)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })

  it("ends the span when the client goes away mid-stream, marked interrupted", async () => {
    const controller = new AbortController()
    const response = await fetch(`${base}/forever`, { signal: controller.signal })
    const reader = response.body!.getReader()
    await reader.read()
    expect(spans.all().filter((span) => span.kind === SpanKind.SERVER)).toHaveLength(0)
    controller.abort()
    const span = await serverSpan()
    expect(span.attributes["status.interrupted"]).toBe(true)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })
})
