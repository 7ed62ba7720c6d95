import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { AlwaysOnSampler, type Sampler } from "@opentelemetry/sdk-trace-base"
import { layerTest, TestSpans, TracingTest } from "../../src/entries/testing.js"

const program = Effect.gen(function*() {
  yield* Effect.withSpan(Effect.void, "first")
  yield* Effect.withSpan(Effect.withSpan(Effect.void, "grandchild"), "second")
}).pipe(Effect.withSpan("root"))

describe("TracingTest", () => {
  it.effect("exports synchronously: spans are readable as soon as they end", () =>
    Effect.gen(function*() {
      const spans = yield* TestSpans
      yield* Effect.withSpan(Effect.void, "now")
      expect((yield* spans.all).map((span) => span.name)).toEqual(["now"])
    }).pipe(Effect.provide(TracingTest)))

  it.effect("finds spans by name", () =>
    Effect.gen(function*() {
      yield* program
      const spans = yield* TestSpans
      expect(yield* spans.byName("second")).toHaveLength(1)
      expect(yield* spans.byName("missing")).toHaveLength(0)
    }).pipe(Effect.provide(TracingTest)))

  it.live("builds the parent/child tree in start order", () =>
    Effect.gen(function*() {
      yield* program
      const [root, ...others] = yield* (yield* TestSpans).tree
      expect(others).toHaveLength(0)
      expect(root!.span.name).toBe("root")
      expect(root!.children.map((child) => child.span.name)).toEqual(["first", "second"])
      expect(root!.children[1]!.children.map((child) => child.span.name)).toEqual(["grandchild"])
    }).pipe(Effect.provide(TracingTest)))

  it.effect("forgets everything on reset", () =>
    Effect.gen(function*() {
      yield* program
      const spans = yield* TestSpans
      yield* spans.reset
      expect(yield* spans.all).toHaveLength(0)
      yield* Effect.withSpan(Effect.void, "after")
      expect((yield* spans.all).map((span) => span.name)).toEqual(["after"])
    }).pipe(Effect.provide(TracingTest)))

  it.live("does not let a finished span's context leak into the next root span", () =>
    Effect.gen(function*() {
      // The fiber resumes inside the timer's async context, captured while "awaited" was active.
      yield* Effect.withSpan(Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5))), "awaited")
      yield* Effect.withSpan(Effect.void, "next-root")
      const [next] = yield* (yield* TestSpans).byName("next-root")
      expect(next!.parentSpanContext).toBeUndefined()
    }).pipe(Effect.provide(TracingTest)))

  it.effect("gives every layer build its own spans", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.void, "isolated")
      expect((yield* (yield* TestSpans).all).map((span) => span.name)).toEqual(["isolated"])
    }).pipe(Effect.provide(TracingTest)))
})

describe("span attributes given to withSpan", () => {
  const seenBySampler: Array<Record<string, unknown>> = []
  const recordingSampler: Sampler = {
    shouldSample: (_context, _traceId, _name, _kind, attributes) => {
      seenBySampler.push({ ...attributes })
      return new AlwaysOnSampler().shouldSample()
    },
    toString: () => "recording"
  }

  it.effect("reach the sampler, and a span annotation for the same key does not override them", () =>
    Effect.gen(function*() {
      yield* Effect.void.pipe(
        Effect.withSpan("annotated", { attributes: { "order.id": "from-options", "order.kind": "retail" } }),
        Effect.annotateSpans({ "order.id": "from-annotations", "order.channel": "web" })
      )
      const [span] = yield* (yield* TestSpans).all
      expect(span!.attributes).toEqual({ "order.id": "from-options", "order.kind": "retail", "order.channel": "web" })
      expect(seenBySampler).toEqual([{ "order.id": "from-options", "order.kind": "retail" }])
    }).pipe(Effect.provide(layerTest({ sampler: recordingSampler }))))
})

describe("test tracing, Effect and facade alike", () => {
  it("reads nothing from the environment: OTEL_SDK_DISABLED=true (as CI may set) records all the same", async () => {
    const { initTestTracing } = await import("../../src/entries/testing.js")
    const { shutdownTracing, traceAsync } = await import("../../src/index.js")
    const saved = { disabled: process.env.OTEL_SDK_DISABLED, name: process.env.OTEL_SERVICE_NAME }
    process.env.OTEL_SDK_DISABLED = "true"
    process.env.OTEL_SERVICE_NAME = "from-the-environment"
    try {
      const memory = initTestTracing()
      await traceAsync("facade", async () => 1)
      const [facade] = memory.byName("facade")
      const [effect] = await Effect.runPromise(Effect.gen(function*() {
        yield* Effect.withSpan(Effect.void, "effect")
        return yield* (yield* TestSpans).byName("effect")
      }).pipe(Effect.provide(TracingTest)))
      for (const span of [facade, effect]) {
        expect(span).toBeDefined()
        expect(span!.resource.attributes["service.name"]).toBe("unknown_service:node")
      }
      await shutdownTracing()
    } finally {
      for (const [key, value] of [["OTEL_SDK_DISABLED", saved.disabled], ["OTEL_SERVICE_NAME", saved.name]] as const) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  })
})
