import { describe, expect, it } from "@effect/vitest"
import { ExportResultCode } from "@opentelemetry/core"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll } from "vitest"
import { Tracing, TracingStats } from "../../src/index.js"
import type { ReceivedDataPoint } from "../support/otlp.js"
import { startMockReceiver, type Receiver } from "../support/receivers.js"

/** The last reported value of a metric with these attributes. */
const latest = (points: ReadonlyArray<ReceivedDataPoint>, name: string, attributes: Record<string, unknown> = {}) =>
  points.filter((p) => p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v)).at(-1)?.value

describe("self-monitoring", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startMockReceiver()
  })
  afterAll(() => receiver.close())

  it.live("counts spans, decisions, drops, failures and export time, readable in TracingStats and over OTLP metrics", () =>
    Effect.gen(function*() {
      // Every export of this exporter fails, as a collector answering 500 would.
      const failing: SpanExporter = {
        export: (_spans: Array<ReadableSpan>, done) => done({ code: ExportResultCode.FAILED, error: Object.assign(new Error("Internal Server Error"), { code: 500 }) }),
        shutdown: () => Promise.resolve()
      }
      const layer = Tracing.layer({
        exporters: ["none"],
        spanExporter: failing,
        sampler: { shouldSample: (_c, _t, name) => ({ decision: name.startsWith("drop") ? 0 : 2 }), toString: () => "ByName" },
        batch: { maxQueueSize: 4, maxExportBatchSize: 2, scheduledDelayMillis: 5 },
        metrics: { endpoint: `${receiver.endpoint}/v1/metrics`, exportIntervalMillis: 100 }
      })
      const stats = yield* Effect.gen(function*() {
        yield* Effect.forEach(Array.from({ length: 10 }, (_, i) => i), (i) =>
          Effect.all([Effect.withSpan(Effect.void, `keep-${i}`), Effect.withSpan(Effect.void, `drop-${i}`)]))
        // Let the batch processor export (and fail), then let two metric exports happen.
        yield* Effect.sleep(400)
        return (yield* TracingStats.snapshot)
      }).pipe(Effect.provide(layer))

      expect(stats.spansCreated).toBe(10)
      expect(stats.samplingDecisions).toEqual({ recordAndSample: 10, recordOnly: 0, drop: 10 })
      expect(stats.exportFailures).toBeGreaterThan(0)
      expect(stats.dropReasons.queueFull + stats.dropReasons.exportFailed).toBe(10)

      const points = receiver.metrics
      expect(latest(points, "otel.spans.created")).toBe(stats.spansCreated)
      expect(latest(points, "otel.sampling.decisions", { decision: "record_and_sample" })).toBe(10)
      expect(latest(points, "otel.sampling.decisions", { decision: "drop" })).toBe(10)
      expect(latest(points, "otel.exporter.failures", { "error.type": "500" })).toBe(stats.exportFailures)
      expect(latest(points, "otel.spans.dropped", { reason: "export_failed" })).toBe(stats.dropReasons.exportFailed)
      if (stats.dropReasons.queueFull > 0) {
        expect(latest(points, "otel.spans.dropped", { reason: "queue_full" })).toBe(stats.dropReasons.queueFull)
      }
      expect(latest(points, "otel.exporter.duration")).toBe(stats.exportFailures)
      expect(points.some((p) => p.name === "otel.exporter.queue_size" && p.kind === "gauge")).toBe(true)
    }))

  it.effect("hands out copies: nothing a reader does changes the counters", () =>
    Effect.gen(function*() {
      const service = yield* TracingStats
      expect(Object.keys(service)).toEqual(["snapshot"])
      yield* Effect.withSpan(Effect.void, "one")
      const first = yield* TracingStats.snapshot
      ;(first as { spansCreated: number }).spansCreated = 1_000
      ;(first.samplingDecisions as { drop: number }).drop = 1_000
      yield* Effect.withSpan(Effect.void, "two")
      const second = yield* TracingStats.snapshot
      expect([second.spansCreated, second.samplingDecisions.drop]).toEqual([2, 0])
    }).pipe(Effect.provide(Tracing.layer({ exporters: ["none"] }))))
})
