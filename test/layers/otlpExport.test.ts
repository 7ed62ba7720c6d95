import { SpanStatusCode } from "@opentelemetry/api"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { Tracing, TracingLive } from "../../src/index.js"
import { startMockReceiver, startStrictReceiver, type Receiver } from "../support/receivers.js"

/** A small trace: a server root with an attribute, an event, and a failing child. */
const program = Effect.gen(function*() {
  yield* Effect.annotateCurrentSpan("user.id", "user-123")
  yield* Effect.annotateCurrentSpan("items", 3)
  yield* Effect.fail(new Error("boom")).pipe(Effect.withSpan("child"), Effect.ignore)
  const span = yield* Effect.currentSpan
  span.event("milestone_reached", BigInt(Date.now()) * 1_000_000n, { progress: 50 })
}).pipe(Effect.withSpan("root", { kind: "server" }))

const runExporting = (options: Parameters<typeof Tracing.layer>[0]) =>
  Effect.runPromise(program.pipe(Effect.provide(Tracing.layer(options))))

const assertTrace = (spans: ReadonlyArray<import("../support/otlp.js").ReceivedSpan>) => {
  const root = spans.find((span) => span.name === "root")!
  const child = spans.find((span) => span.name === "child")!
  expect(root.traceId).toMatch(/^[0-9a-f]{32}$/)
  expect(root.spanId).toMatch(/^[0-9a-f]{16}$/)
  expect(root.parentSpanId).toBeUndefined()
  expect(child.traceId).toBe(root.traceId)
  expect(child.parentSpanId).toBe(root.spanId)
  expect(root.kind).toBe(2) // SPAN_KIND_SERVER
  expect(child.kind).toBe(1) // SPAN_KIND_INTERNAL
  expect(root.attributes).toMatchObject({ "user.id": "user-123", items: 3 })
  expect(root.events.map((event) => [event.name, event.attributes])).toContainEqual(["milestone_reached", { progress: 50 }])
  // Success leaves the status unset (trace API: instrumentation sets OK only when configured to).
  expect(root.status.code).toBe(SpanStatusCode.UNSET)
  expect(child.status).toEqual({ code: SpanStatusCode.ERROR, message: "boom" })
  expect(child.events.map((event) => event.name)).toContain("exception")
  expect(root.resource).toMatchObject({
    "service.name": "export-test",
    "service.version": "1.2.3",
    "deployment.environment.name": "staging",
    "telemetry.sdk.language": "nodejs",
    "telemetry.distro.name": "@blipee/tracing"
  })
  expect(root.scope.name).toBe("export-test")
}

describe("OTLP export to @elastic/mockotlpserver", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startMockReceiver()
  })
  afterAll(() => receiver.close())
  beforeEach(() => receiver.reset())

  for (const protocol of ["http/protobuf", "http/json"] as const) {
    it(`exports ids, parents, attributes, events, status and resource over ${protocol}`, async () => {
      await runExporting({
        serviceName: "export-test",
        serviceVersion: "1.2.3",
        environment: "staging",
        otlp: { endpoint: receiver.endpoint, protocol, headers: { Authorization: "Bearer secret-token" } }
      })
      assertTrace(await receiver.waitForSpans(2))
      const request = receiver.requests[0]!
      expect(request.contentType).toBe(protocol === "http/json" ? "application/json" : "application/x-protobuf")
      expect(request.headers.authorization).toBe("Bearer secret-token")
    })
  }
})

describe("OTLP export to the strict receiver", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startStrictReceiver()
  })
  afterAll(() => receiver.close())
  beforeEach(() => receiver.reset())

  for (const protocol of ["http/protobuf", "http/json"] as const) {
    for (const compression of ["none", "gzip"] as const) {
      it(`passes the schema checks over ${protocol} with compression ${compression}`, async () => {
        await runExporting({
          serviceName: "export-test",
          serviceVersion: "1.2.3",
          environment: "staging",
          otlp: { tracesEndpoint: receiver.url, protocol, compression, headers: { "X-Scope-OrgID": "tenant-a" } }
        })
        assertTrace(await receiver.waitForSpans(2))
        const request = receiver.requests[0]!
        expect(request.headers["x-scope-orgid"]).toBe("tenant-a")
        expect(request.headers["content-encoding"]).toBe(compression === "gzip" ? "gzip" : undefined)
        if (compression === "gzip") expect(request.raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
      })
    }
  }

  it.live("flushes every pending span when the layer is released", () =>
    Effect.gen(function*() {
      // A schedule delay far beyond the test: only the release can have sent these.
      const layer = Tracing.layer({
        serviceName: "flush-test",
        otlp: { tracesEndpoint: receiver.url },
        batch: { scheduledDelayMillis: 60_000, maxQueueSize: 1_000, maxExportBatchSize: 50 }
      })
      yield* Effect.forEach(
        Array.from({ length: 250 }, (_, i) => i),
        (i) => Effect.withSpan(Effect.void, `pending-${i}`),
        { discard: true }
      ).pipe(Effect.provide(layer))
      expect(receiver.spans.length).toBe(250)
      expect(new Set(receiver.spans.map((span) => span.name)).size).toBe(250)
    }))

  it.live("exports spans from the environment-configured TracingLive", () =>
    Effect.gen(function*() {
      const { ConfigProvider } = yield* Effect.promise(() => import("effect"))
      const env = ConfigProvider.fromMap(new Map([
        ["OTEL_SERVICE_NAME", "env-service"],
        ["OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint],
        ["OTEL_EXPORTER_OTLP_HEADERS", "{\"Authorization\":\"Basic dXNlcjpwYXNz==\"}"]
      ]))
      yield* Effect.withSpan(Effect.void, "from-env").pipe(
        Effect.provide(TracingLive.pipe(Layer.provide(Layer.setConfigProvider(env))))
      )
      const [span] = yield* Effect.promise(() => receiver.waitForSpans(1))
      expect(span!.name).toBe("from-env")
      expect(span!.resource["service.name"]).toBe("env-service")
      // The seed's JSON form, with '=' in the value, arrives intact.
      expect(receiver.requests[0]!.headers.authorization).toBe("Basic dXNlcjpwYXNz==")
    }))
})

describe("releasing the layer against a collector that never answers", () => {
  it.live("gives up after the shutdown timeout instead of hanging the program", () =>
    Effect.gen(function*() {
      const http = yield* Effect.promise(() => import("node:http"))
      const sockets = new Set<import("node:net").Socket>()
      const server = http.createServer(() => {}) // accepts the request, never answers
      server.on("connection", (socket) => sockets.add(socket))
      yield* Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)))
      const { port } = server.address() as import("node:net").AddressInfo
      const layer = Tracing.layer({
        otlp: { endpoint: `http://127.0.0.1:${port}`, timeoutMillis: 30_000 },
        shutdownTimeoutMillis: 300
      })
      const result = yield* Effect.withSpan(Effect.succeed("done"), "hanging-export").pipe(Effect.provide(layer))
      expect(result).toBe("done")
      sockets.forEach((socket) => socket.destroy())
      server.close()
    }), { timeout: 5_000 })
})
