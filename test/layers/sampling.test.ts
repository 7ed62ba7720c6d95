import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { TracingStats } from "../../src/index.js"
import { layerTest, TestSpans } from "../../src/entries/testing.js"

/** `count` independent traces, each a root with one child. */
const traces = (count: number) =>
  Effect.forEach(
    Array.from({ length: count }, (_, i) => i),
    (i) => Effect.withSpan(Effect.withSpan(Effect.void, `child-${i}`), `root-${i}`),
    { discard: true }
  )

const remoteParent = (sampled: boolean) =>
  OtelTracer.makeExternalSpan({
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: sampled ? 1 : 0
  })

describe("sampling", () => {
  it.effect("records nothing at rate 0 and counts the decisions", () =>
    Effect.gen(function*() {
      yield* traces(100)
      expect(yield* (yield* TestSpans).all).toHaveLength(0)
      const stats = (yield* TracingStats.snapshot)
      expect(stats.samplingDecisions.drop).toBe(200)
      expect(stats.spansCreated).toBe(0)
    }).pipe(Effect.provide(layerTest({ samplingRate: 0 }))))

  it.effect("records everything at rate 1", () =>
    Effect.gen(function*() {
      yield* traces(100)
      expect(yield* (yield* TestSpans).all).toHaveLength(200)
      expect((yield* TracingStats.snapshot).samplingDecisions.recordAndSample).toBe(200)
    }).pipe(Effect.provide(layerTest({ samplingRate: 1 }))))

  it.effect("keeps about half of the traces at rate 0.5, and whole traces only", () =>
    Effect.gen(function*() {
      const count = 4_000
      yield* traces(count)
      const spans = yield* (yield* TestSpans).all
      const roots = spans.filter((span) => span.name.startsWith("root-"))
      // Binomial(4000, 0.5) has a standard deviation of ~32: ±250 is ~8 of them.
      expect(roots.length).toBeGreaterThan(count / 2 - 250)
      expect(roots.length).toBeLessThan(count / 2 + 250)
      // A kept root keeps its child (parent-based), a dropped root drops it.
      const kept = new Set(roots.map((span) => span.name.slice(5)))
      const children = spans.filter((span) => span.name.startsWith("child-"))
      expect(children.map((span) => span.name.slice(6)).sort()).toEqual([...kept].sort())
    }).pipe(Effect.provide(layerTest({ samplingRate: 0.5 }))))

  it.effect("keeps the children of a sampled remote parent at rate 0", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.withSpan(Effect.void, "child"), "local-root").pipe(
        Effect.withParentSpan(remoteParent(true))
      )
      const spans = yield* (yield* TestSpans).all
      expect(spans.map((span) => span.name).sort()).toEqual(["child", "local-root"])
      const root = spans.find((span) => span.name === "local-root")!
      expect(root.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736")
      expect(root.parentSpanContext?.spanId).toBe("00f067aa0ba902b7")
    }).pipe(Effect.provide(layerTest({ samplingRate: 0 }))))

  it.effect("drops the children of an unsampled remote parent at rate 1", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.void, "local-root").pipe(Effect.withParentSpan(remoteParent(false)))
      expect(yield* (yield* TestSpans).all).toHaveLength(0)
    }).pipe(Effect.provide(layerTest({ samplingRate: 1 }))))

  it.effect("follows OTEL_TRACES_SAMPLER=always_off even under a sampled parent", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.void, "local-root").pipe(Effect.withParentSpan(remoteParent(true)))
      expect(yield* (yield* TestSpans).all).toHaveLength(0)
    }).pipe(Effect.provide(layerTest({ sampler: "always_off" }))))

  it.effect("uses a user-supplied Sampler", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.void, "keep-me")
      yield* Effect.withSpan(Effect.void, "drop-me")
      expect((yield* (yield* TestSpans).all).map((span) => span.name)).toEqual(["keep-me"])
    }).pipe(Effect.provide(layerTest({
      sampler: {
        shouldSample: (_ctx, _traceId, name) => ({ decision: name.startsWith("keep") ? 2 : 0 }),
        toString: () => "ByName"
      }
    }))))
})
