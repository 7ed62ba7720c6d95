import { describe, expect, it } from "@effect/vitest"
import { context, trace } from "@opentelemetry/api"
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import { ConsoleSpanExporter } from "../../src/index.js"
import { TestSpans, TracingTest } from "../../src/entries/testing.js"

const exportAll = (exporter: ConsoleSpanExporter, batches: Array<Array<ReadableSpan>>) =>
  Promise.all(batches.map((batch) => new Promise((resolve) => exporter.export(batch, resolve))))

describe("ConsoleSpanExporter", () => {
  it.live("prints a trace split over batches, children first, as one indented tree", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(
        Effect.all([Effect.withSpan(Effect.sleep(2), "step one"), Effect.withSpan(Effect.fail("bad"), "step two")]),
        "request"
      ).pipe(Effect.ignore)
      const spans = yield* (yield* TestSpans).all
      const byName = (name: string) => spans.find((span) => span.name === name)!
      const output: Array<string> = []
      const exporter = new ConsoleSpanExporter((text) => output.push(text))
      yield* Effect.promise(() => exportAll(exporter, [[byName("step two")], [byName("step one")]]))
      expect(output).toEqual([])
      yield* Effect.promise(() => exportAll(exporter, [[byName("request")]]))
      expect(output).toHaveLength(1)
      const lines = output[0]!.trimEnd().split("\n")
      expect(lines[0]).toMatch(/^trace [0-9a-f]{32} · \d+\.\d\d ms$/)
      expect(lines[1]).toMatch(/^ {2}request\s+█+\s+\d+\.\d\d ms {2}internal {2}ERROR: bad$/)
      expect(lines[2]).toMatch(/^ {4}step one\s+█+\s+\d+\.\d\d ms {2}internal {2}ok$/)
      expect(lines[3]).toMatch(/^ {4}step two\s+.*ERROR: bad$/)
    }).pipe(Effect.provide(TracingTest)))

  it.effect("prints spans whose root never ended on flush", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.withSpan(Effect.void, "orphan"), "root")
      const [orphan] = yield* (yield* TestSpans).byName("orphan")
      const output: Array<string> = []
      const exporter = new ConsoleSpanExporter((text) => output.push(text))
      yield* Effect.promise(() => exportAll(exporter, [[orphan!]]))
      expect(output).toEqual([])
      yield* Effect.promise(() => exporter.forceFlush())
      expect(output.join("")).toContain("orphan")
    }).pipe(Effect.provide(TracingTest)))

  it("prints a child that starts before its parent (two clocks) instead of failing the export", async () => {
    const memory = new InMemorySpanExporter()
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer("test")
    const root = tracer.startSpan("request", { startTime: [1_000, 5_000_000] })
    tracer.startSpan("early child", { startTime: [1_000, 1_000_000] }, trace.setSpan(context.active(), root)).end([1_000, 6_000_000])
    root.end([1_000, 9_000_000])
    const output: Array<string> = []
    const results: Array<unknown> = []
    new ConsoleSpanExporter((text) => output.push(text)).export(memory.getFinishedSpans(), (result) => results.push(result.code))
    expect(results).toEqual([0])
    const lines = output.join("").trimEnd().split("\n")
    expect(lines[0]).toMatch(/ · 8\.00 ms$/)
    expect(lines[1]).toMatch(/^ {2}request {20,}█/)
    expect(lines[2]).toMatch(/^ {4}early child\s+█/)
  })
})
