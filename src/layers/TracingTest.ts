/**
 * Tracing for tests: the same tracer as `TracingLive`, exporting synchronously to memory, and
 * a `TestSpans` service to read what was recorded.
 *
 * @since 0.1.0
 */
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { TracingOptions } from "../config.js"
import { buildSpanTree, type SpanNode } from "./spanTree.js"
import { layer as tracingLayer } from "./Tracing.js"
import type { TracingStats } from "./TracingStats.js"

/**
 * Finished spans held in memory, read synchronously.
 *
 * @example
 * ```ts
 * const spans = new MemorySpans()
 * spans.byName("checkout")[0]?.attributes
 * ```
 */
export class MemorySpans {
  /** Receives each span as it ends, after redaction, as any exporter would. */
  readonly exporter = new InMemorySpanExporter()

  /** Every finished span, in the order they ended. */
  all(): ReadonlyArray<ReadableSpan> {
    return this.exporter.getFinishedSpans()
  }

  /** The finished spans with this name. */
  byName(name: string): ReadonlyArray<ReadableSpan> {
    return this.all().filter((span) => span.name === name)
  }

  /** The finished spans as parent/child trees. */
  tree(): ReadonlyArray<SpanNode> {
    return buildSpanTree(this.all())
  }

  /** Forgets the spans finished so far. */
  reset(): void {
    this.exporter.reset()
  }
}

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
  readonly all: Effect.Effect<ReadonlyArray<ReadableSpan>>
  readonly byName: (name: string) => Effect.Effect<ReadonlyArray<ReadableSpan>>
  readonly tree: Effect.Effect<ReadonlyArray<SpanNode>>
  readonly reset: Effect.Effect<void>
  /** The same spans, read synchronously (for code outside Effect). */
  readonly memory: MemorySpans
}

export class TestSpans extends Context.Tag("@blipee/tracing/TestSpans")<TestSpans, TestSpansService>() {}

const makeTestSpans = (memory: MemorySpans): TestSpansService => ({
  all: Effect.sync(() => memory.all()),
  byName: (name) => Effect.sync(() => memory.byName(name)),
  tree: Effect.sync(() => memory.tree()),
  reset: Effect.sync(() => memory.reset()),
  memory
})

/**
 * The options that route spans to memory only, recording everything unless the test chose a
 * sampler.
 */
export const testOptions = (memory: MemorySpans, options: TracingOptions): TracingOptions => ({
  ...(options.sampler === undefined && options.samplingRate === undefined ? { sampler: "always_on" } : {}),
  exporters: ["none"],
  ...options,
  syncSpanExporter: memory.exporter
})

/**
 * Test tracing with options (sampler, service name, ...).
 *
 * @example
 * ```ts
 * it.effect("samples nothing", () => program.pipe(Effect.provide(layerTest({ sampler: "always_off" }))))
 * ```
 */
export const layerTest = (options: TracingOptions = {}): Layer.Layer<TestSpans | TracingStats> =>
  Layer.unwrapEffect(Effect.sync(() => {
    const memory = new MemorySpans()
    return Layer.merge(
      Layer.succeed(TestSpans, makeTestSpans(memory)),
      tracingLayer(testOptions(memory, options)).pipe(Layer.orDie)
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
