/**
 * Tracing for tests: the same tracer as `TracingLive`, exporting synchronously to memory, and
 * a `TestSpans` service to read what was recorded.
 *
 * @since 0.1.0
 */
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { TracingOptions } from "../config.js"
import { buildSpanTree, type SpanNode } from "./spanTree.js"
import { layer as tracingLayer } from "./Tracing.js"
import type { TracingStats } from "./TracingStats.js"

/**
 * The spans finished so far under `TracingTest`.
 *
 * @example
 * ```ts
 * const spans = yield* TestSpans
 * const [root] = yield* spans.tree
 * expect(root.children[0].span.name).toBe("SELECT users")
 * ```
 */
export interface TestSpansService {
  /** Every finished span, in the order they ended. */
  readonly all: Effect.Effect<ReadonlyArray<ReadableSpan>>
  /** The finished spans with this name. */
  readonly byName: (name: string) => Effect.Effect<ReadonlyArray<ReadableSpan>>
  /** The finished spans as parent/child trees. */
  readonly tree: Effect.Effect<ReadonlyArray<SpanNode>>
  /** Forgets the spans finished so far. */
  readonly reset: Effect.Effect<void>
  /** The underlying exporter, for code outside Effect. */
  readonly exporter: InMemorySpanExporter
}

export class TestSpans extends Context.Tag("@blipee/tracing/TestSpans")<TestSpans, TestSpansService>() {}

const makeTestSpans = (exporter: InMemorySpanExporter): TestSpansService => {
  const all = Effect.sync(() => exporter.getFinishedSpans() as ReadonlyArray<ReadableSpan>)
  return {
    all,
    byName: (name) => Effect.map(all, (spans) => spans.filter((span) => span.name === name)),
    tree: Effect.map(all, buildSpanTree),
    reset: Effect.sync(() => exporter.reset()),
    exporter
  }
}

/**
 * Test tracing with options (sampler, service name, ...); spans go to memory only, and the
 * sampler records everything unless told otherwise.
 *
 * @example
 * ```ts
 * it.effect("samples nothing", () => program.pipe(Effect.provide(layerTest({ sampler: "always_off" }))))
 * ```
 */
export const layerTest = (options: TracingOptions = {}): Layer.Layer<TestSpans | TracingStats> =>
  Layer.unwrapEffect(Effect.sync(() => {
    const exporter = new InMemorySpanExporter()
    return Layer.merge(
      Layer.succeed(TestSpans, makeTestSpans(exporter)),
      tracingLayer({
        // Record everything unless the test chose a sampler.
        ...(options.sampler === undefined && options.samplingRate === undefined ? { sampler: "always_on" } : {}),
        exporters: ["none"],
        ...options,
        spanProcessors: [new SimpleSpanProcessor(exporter), ...(options.spanProcessors ?? [])]
      }).pipe(Layer.orDie)
    )
  }))

/**
 * @example
 * ```ts
 * it.effect("traces", () => Effect.gen(function*() {
 *   yield* Effect.withSpan(Effect.void, "work")
 *   expect((yield* (yield* TestSpans).byName("work")).length).toBe(1)
 * }).pipe(Effect.provide(TracingTest)))
 * ```
 */
export const TracingTest: Layer.Layer<TestSpans | TracingStats> = layerTest()
