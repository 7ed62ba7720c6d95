import { describe, expect, it } from "@effect/vitest"
import { type DiagLogger, diag, DiagLogLevel, trace } from "@opentelemetry/api"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import type * as http from "node:http"
import { afterAll, beforeAll } from "vitest"
import { Tracing, TracingStats } from "../../src/index.js"
import { startStrictReceiver, type Receiver } from "../support/receivers.js"

/** `count` spans, each in its own trace, returning what the traced code returned. */
const work = (count: number) =>
  Effect.forEach(Array.from({ length: count }, (_, i) => i), (i) => Effect.withSpan(Effect.succeed(i), `op-${i}`))

const warnings: Array<string> = []
const capture: DiagLogger = {
  error: () => {},
  warn: (message) => void warnings.push(message),
  info: () => {},
  debug: () => {},
  verbose: () => {}
}

describe("a full export queue", () => {
  it.effect("drops new spans and counts them, never buffering past maxQueueSize", () =>
    Effect.gen(function*() {
      yield* Effect.acquireRelease(
        Effect.sync(() => diag.setLogger(capture, DiagLogLevel.WARN)),
        () => Effect.sync(() => diag.disable())
      )
      const handed: Array<number> = []
      // An exporter that never answers: the first batch stays in flight.
      const stuck: SpanExporter = { export: (spans: Array<ReadableSpan>) => void handed.push(spans.length), shutdown: () => Promise.resolve() }
      const { stats, handedWhileRunning } = yield* Effect.provide(
        Effect.zipRight(work(50), Effect.map(TracingStats.snapshot, (stats) => ({ stats, handedWhileRunning: [...handed] }))),
        Tracing.layer({
          exporters: ["none"],
          spanExporter: stuck,
          batch: { maxQueueSize: 10, maxExportBatchSize: 5, scheduledDelayMillis: 60_000, exportTimeoutMillis: 50 },
          shutdownTimeoutMillis: 500
        })
      )
      expect(handedWhileRunning).toEqual([5])
      expect(stats.queueSize).toBe(10)
      expect(stats.dropReasons.queueFull).toBe(35)
      expect(stats.spansDropped).toBe(35)
      // The first drop of the process is said once, with the settings to raise; 35 drops, one warning.
      expect(warnings.filter((text) => text.includes("export queue is full"))).toEqual([
        expect.stringContaining("OTEL_BSP_MAX_QUEUE_SIZE")
      ])
    }).pipe(Effect.scoped))
})

describe("a collector that fails", () => {
  let status = 200
  let retryAfter: string | undefined
  const requests: Array<number> = []
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startStrictReceiver({
      respond: (_req: http.IncomingMessage) => {
        requests.push(status)
        return { status, ...(retryAfter === undefined ? {} : { headers: { "retry-after": retryAfter } }) }
      }
    })
  })
  afterAll(() => receiver.close())

  const run = (answer: number, options: { retryAfter?: string } = {}) =>
    Effect.gen(function*() {
      status = answer
      retryAfter = options.retryAfter
      requests.length = 0
      return yield* Effect.gen(function*() {
        const results = yield* work(3)
        // Long enough for the first attempt and the retries the timeout allows.
        yield* Effect.sleep(1_800)
        return { results, stats: yield* TracingStats.snapshot }
      }).pipe(Effect.provide(Tracing.layer({
        otlp: { tracesEndpoint: receiver.url, timeoutMillis: 1_500 },
        batch: { scheduledDelayMillis: 10 },
        shutdownTimeoutMillis: 200
      })))
    })

  for (const answer of [500, 400]) {
    it.live(`answering ${answer}: the program is unaffected, the failure is counted, no retry`, () =>
      Effect.gen(function*() {
        const { results, stats } = yield* run(answer)
        expect(results).toEqual([0, 1, 2])
        expect(requests).toEqual([answer])
        expect(stats.exportFailures).toBe(1)
        expect(stats.dropReasons.exportFailed).toBe(3)
        expect(stats.exporter.state).toBe("failing")
      }))
  }

  for (const [answer, retryAfterValue] of [[503, undefined], [429, "1"]] as const) {
    it.live(`answering ${answer}: retried with back-off, as the OTLP specification says`, () =>
      Effect.gen(function*() {
        const { results } = yield* run(answer, retryAfterValue === undefined ? {} : { retryAfter: retryAfterValue })
        expect(results).toEqual([0, 1, 2])
        expect(requests.length).toBeGreaterThanOrEqual(2)
        expect(new Set(requests)).toEqual(new Set([answer]))
      }))
  }
})

describe("a collector that accepts only part of a batch", () => {
  it.live("is a success for the program and for the counters (the collector dropped the rest)", () =>
    Effect.gen(function*() {
      const receiver = yield* Effect.acquireRelease(
        Effect.promise(() =>
          startStrictReceiver({
            respond: () => ({ status: 200, body: JSON.stringify({ partialSuccess: { rejectedSpans: "1", errorMessage: "span too large" } }) })
          })
        ),
        (r) => Effect.promise(() => r.close())
      )
      const { results, stats } = yield* Effect.gen(function*() {
        const results = yield* work(3)
        yield* Effect.sleep(300)
        return { results, stats: (yield* TracingStats.snapshot) }
      }).pipe(Effect.provide(Tracing.layer({
        otlp: { tracesEndpoint: receiver.url, protocol: "http/json" },
        batch: { scheduledDelayMillis: 10 }
      })))
      expect(results).toEqual([0, 1, 2])
      expect(stats.exporter.state).toBe("ok")
      expect(stats.spansExported).toBe(3)
    }).pipe(Effect.scoped))
})

describe("shutdown", () => {
  it.live("delivers all of 5 000 queued spans when the layer is released", () =>
    Effect.gen(function*() {
      const receiver = yield* Effect.acquireRelease(Effect.promise(() => startStrictReceiver()), (r) => Effect.promise(() => r.close()))
      yield* work(5_000).pipe(Effect.provide(Tracing.layer({
        otlp: { tracesEndpoint: receiver.url },
        batch: { maxQueueSize: 5_000, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 }
      })))
      expect(receiver.spans).toHaveLength(5_000)
    }).pipe(Effect.scoped), { timeout: 30_000 })
})

describe("span limits", () => {
  it.effect("cut long values and drop attributes past the count, as the specification says", () =>
    Effect.gen(function*() {
      const { layerTest, TestSpans } = yield* Effect.promise(() => import("../../src/entries/testing.js"))
      const [span] = yield* Effect.gen(function*() {
        const active = trace.getActiveSpan()!
        active.setAttribute("long", "y".repeat(10_000))
        active.setAttributes(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])))
        yield* Effect.void
      }).pipe(
        Effect.withSpan("limited"),
        Effect.zipRight(Effect.flatMap(TestSpans, (spans) => spans.all)),
        Effect.provide(layerTest({ spanLimits: { attributeValueLengthLimit: 100, attributeCountLimit: 8 } }))
      )
      expect(span!.attributes["long"]).toBe("y".repeat(100))
      expect(Object.keys(span!.attributes)).toHaveLength(8)
      expect(span!.droppedAttributesCount).toBeGreaterThan(0)
    }))
})

describe("bad input from traced code", () => {
  it.effect("never throws into the caller", () =>
    Effect.gen(function*() {
      const cyclic: Record<string, unknown> = { name: "loop" }
      cyclic.self = cyclic
      yield* Effect.annotateCurrentSpan({
        object: { a: 1 },
        fn: () => 1,
        symbol: Symbol("s"),
        bigint: 10n,
        nan: Number.NaN,
        cyclic,
        long: "x".repeat(100_000)
      })
      const span = trace.getActiveSpan()!
      span.setAttribute("obj", { a: 1 } as never)
      span.setAttribute("fn", (() => 1) as never)
      span.setAttribute("arr", [1, "mixed"] as never)
      span.setAttributes(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])))
      const inner = trace.getTracer("t").startSpan("")
      inner.end()
      inner.setAttribute("after.end", 1)
      inner.end()
      return "still fine"
    }).pipe(
      Effect.withSpan("bad-input"),
      Effect.provide(Tracing.layer({ exporters: ["none"] })),
      Effect.map((result) => expect(result).toBe("still fine"))
    ))
})
