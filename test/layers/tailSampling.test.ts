import { describe, expect, it } from "@effect/vitest"
import { context, propagation, type Span, SpanStatusCode, trace } from "@opentelemetry/api"
import { SamplingDecision, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-base"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import { execFile, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll } from "vitest"
import { settingsFromEnvironment } from "../../src/config.js"
import { Tracing, TracingStats } from "../../src/index.js"
import * as metrics from "../../src/layers/selfMonitoringMetrics.js"
import { layerTest, TestSpans } from "../../src/entries/testing.js"
import { type Receiver, startStrictReceiver } from "../support/receivers.js"

const tracer = () => trace.getTracer("tail-test")
const child = (parent: Span, name: string) => tracer().startSpan(name, {}, trace.setSpan(context.active(), parent))
const fromUpstream = (traceId: string, flags: "00" | "01", tracestate?: string) =>
  propagation.extract(context.active(), {
    traceparent: `00-${traceId}-00f067aa0ba902b7-${flags}`,
    ...(tracestate === undefined ? {} : { tracestate })
  })
const headersOf = (span: Span) => {
  const carrier: Record<string, string> = {}
  propagation.inject(trace.setSpan(context.active(), span), carrier)
  return carrier
}
const byTrace = (spans: ReadonlyArray<{ spanContext(): { traceId: string } }>) => {
  const groups = new Map<string, number>()
  for (const span of spans) groups.set(span.spanContext().traceId, (groups.get(span.spanContext().traceId) ?? 0) + 1)
  return groups
}
const ratioKeeps = (rate: number, traceId: string) =>
  new TraceIdRatioBasedSampler(rate).shouldSample(context.active(), traceId).decision === SamplingDecision.RECORD_AND_SAMPLED
/** The trace id ratio rejects this one at any rate below 1 (its four words XOR to 0xffffffff), */
const REJECTED = "ffffffff000000000000000000000000"
/** and keeps this one at any rate above 0 (they XOR to 1). */
const SELECTED = "00000001000000000000000000000000"
/** The flags byte of a traceparent, with or without the random flag. */
const SAMPLED_FLAG = /-0[13]$/
const UNSAMPLED_FLAG = /-0[02]$/

describe("tail sampling", () => {
  it.effect("keeps every error and slow trace and the base rate of the rest, each kept trace whole", () =>
    Effect.gen(function*() {
      // 2 % errors, 3 % slow, the rest plain.
      const kinds = Array.from({ length: 10_000 }, (_, i) => {
        const r = i % 100
        return r === 0 || r === 50 ? "error" as const : r <= 3 ? "slow" as const : "plain" as const
      })
      const expectedKept = new Set<string>()
      // Traces the base rate selects are sampled from their first span; the others are decided at the end.
      const reasons = { base_rate: 0, error: 0, slow: 0 }
      let plainKept = 0
      for (const kind of kinds) {
        const now = Date.now()
        // A slow request: its root started 1.5 s ago.
        const root = tracer().startSpan("GET /api/orders", { startTime: kind === "slow" ? now - 1_500 : now })
        const handler = child(root, "handler")
        const query = child(handler, "SELECT orders")
        if (kind === "error") query.setStatus({ code: SpanStatusCode.ERROR })
        query.end()
        handler.end()
        child(root, "render").end()
        root.end()
        const traceId = root.spanContext().traceId
        const ratio = ratioKeeps(0.05, traceId)
        if (kind !== "plain" || ratio) expectedKept.add(traceId)
        if (kind === "plain" && ratio) plainKept++
        if (ratio) reasons.base_rate++
        else if (kind !== "plain") reasons[kind]++
      }
      const exported = byTrace(yield* (yield* TestSpans).all)
      expect(new Set(exported.keys())).toEqual(expectedKept)
      for (const count of exported.values()) expect(count).toBe(4)
      // 9 500 plain traces at 5 %: 475 expected, standard deviation ≈ 21; ±5 of them.
      expect(plainKept).toBeGreaterThan(370)
      expect(plainKept).toBeLessThan(580)
      const tail = (yield* TracingStats.snapshot).tailSampling!
      expect(reasons.error + reasons.slow).toBeGreaterThan(250)
      expect(tail.kept).toMatchObject(reasons)
      expect(tail.dropped.not_selected).toBe(9_500 - plainKept)
      expect(tail.spansDiscarded).toBe(4 * (9_500 - plainKept))
      expect(tail.heldTraces).toBe(0)
      expect(tail.heldSpans).toBe(0)
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0.05, slowMs: 1_000 } }))))

  it.effect("keeps a trace that matches a rule, and counts decisions with their reason", () =>
    Effect.gen(function*() {
      const keptByRule = Metric.value(metrics.samplingDecisions.pipe(Metric.taggedWithLabels(metrics.labels.tail("tail_keep", "rule"))))
      const before = (yield* keptByRule).count
      for (const route of ["/api/checkout", "/api/browse", "/api/checkout"]) {
        const root = tracer().startSpan("GET", { attributes: { "http.route": route } })
        child(root, "step").end()
        root.end()
      }
      const spans = yield* (yield* TestSpans).all
      expect(spans.map((span) => span.attributes["http.route"]).filter(Boolean)).toEqual(["/api/checkout", "/api/checkout"])
      expect(spans).toHaveLength(4)
      expect((yield* keptByRule).count - before).toBe(2)
      expect((yield* TracingStats.snapshot).tailSampling!.dropped.not_selected).toBe(1)
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0, keep: [{ attribute: "http.route", equals: "/api/checkout" }] } }))))

  it.effect("always keeps a parent that arrives sampled or marked kept upstream", () =>
    Effect.gen(function*() {
      tracer().startSpan("sampled upstream", {}, fromUpstream(REJECTED, "01")).end()
      tracer().startSpan("kept upstream", {}, fromUpstream(REJECTED, "00", "congo=t61rcWkgMzE,blipee_tail=keep")).end()
      tracer().startSpan("neither", {}, fromUpstream(REJECTED, "00", "congo=t61rcWkgMzE")).end()
      const names = (yield* (yield* TestSpans).all).map((span) => span.name)
      expect(names).toEqual(["sampled upstream", "kept upstream"])
      const tail = (yield* TracingStats.snapshot).tailSampling!
      expect(tail.kept.parent).toBe(1)
      expect(tail.kept.upstream_keep).toBe(1)
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0.5 } }))))

  it.effect("tells downstream services: sampled flag for base-rate traces, sampled and marked once kept later", () =>
    Effect.gen(function*() {
      const baseline = tracer().startSpan("baseline", {}, fromUpstream(SELECTED, "00"))
      expect(headersOf(baseline).traceparent).toMatch(SAMPLED_FLAG)
      baseline.end()

      const root = tracer().startSpan("request", {}, fromUpstream(REJECTED, "00", "congo=t61rcWkgMzE"))
      expect(headersOf(root)).toEqual({
        traceparent: expect.stringMatching(UNSAMPLED_FLAG),
        tracestate: "congo=t61rcWkgMzE"
      })
      const failing = child(root, "payment")
      failing.setStatus({ code: SpanStatusCode.ERROR, message: "declined" })
      failing.end()
      // The trace is kept from here on: calls made now carry the verdict, the same way whether
      // they go out from a span started before it (injectTraceContext in the handler) or after
      // it (the CLIENT span of traceFetch, TracedHttpClient): sampled, and marked kept.
      const verdict = { traceparent: expect.stringMatching(SAMPLED_FLAG), tracestate: "blipee_tail=keep,congo=t61rcWkgMzE" }
      expect(headersOf(root)).toEqual(verdict)
      const retry = child(root, "retry")
      expect(headersOf(retry)).toEqual(verdict)
      retry.end()
      root.end()
      expect((yield* (yield* TestSpans).all).map((span) => span.name)).toEqual(["baseline", "payment", "retry", "request"])
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0.05 } }))))

  it.effect("a kept trace this process started goes out sampled, keeps its random flag and our tracestate entry after the verdict", () =>
    Effect.gen(function*() {
      const root = tracer().startSpan("local root")
      const failing = child(root, "payment")
      failing.setStatus({ code: SpanStatusCode.ERROR, message: "declined" })
      failing.end()
      expect(headersOf(root)).toEqual({ traceparent: expect.stringMatching(/-03$/), tracestate: "blipee=" + root.spanContext().spanId + ",blipee_tail=keep" })
      root.end()
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0 }, traceStateVendorKey: "blipee" }))))

  it.live("keeps a trace whose root is still open after slowMs, and then its later spans", () =>
    Effect.gen(function*() {
      const root = tracer().startSpan("long job", {}, fromUpstream(REJECTED, "00"))
      child(root, "first step").end()
      yield* Effect.sleep("400 millis")
      const testSpans = yield* TestSpans
      expect((yield* testSpans.all).map((span) => span.name)).toEqual(["first step"])
      child(root, "second step").end()
      root.end()
      expect((yield* testSpans.all).map((span) => span.name)).toEqual(["first step", "second step", "long job"])
      expect((yield* TracingStats.snapshot).tailSampling!.kept.slow).toBe(1)
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0, slowMs: 100 } }))))

  it.live("decides a trace early past its span bound or its maximum wait", () =>
    Effect.gen(function*() {
      const root = tracer().startSpan("batch job", {}, fromUpstream(REJECTED, "00"))
      for (let i = 0; i < 250; i++) child(root, `item ${i}`).end()
      let tail = (yield* TracingStats.snapshot).tailSampling!
      expect(tail.dropped.max_spans).toBe(1)
      expect(tail.heldSpans).toBe(0)
      root.end()
      // A span whose local parent is not ours never sees its root end here.
      const orphanParent = trace.setSpanContext(context.active(), {
        traceId: "abcdef00000000000000000000000001",
        spanId: "00f067aa0ba902b7",
        traceFlags: 0,
        isRemote: false
      })
      tracer().startSpan("orphan", {}, orphanParent).end()
      expect((yield* TracingStats.snapshot).tailSampling!.heldTraces).toBe(1)
      yield* Effect.sleep("500 millis")
      tail = (yield* TracingStats.snapshot).tailSampling!
      expect(tail.dropped.max_wait).toBe(1)
      expect(tail.heldTraces).toBe(0)
      expect(tail.spansDiscarded).toBe(252)
      expect(yield* (yield* TestSpans).all).toHaveLength(0)
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0, maxSpansPerTrace: 200, maxWaitMs: 200, slowMs: 60_000 } }))))

  it.effect("holds at most maxTraces: the oldest is decided first", () =>
    Effect.gen(function*() {
      const roots = Array.from({ length: 30 }, () => {
        const root = tracer().startSpan("open", {}, fromUpstream(randomBytes(16).toString("hex"), "00"))
        child(root, "step").end()
        return root
      })
      const tail = (yield* TracingStats.snapshot).tailSampling!
      expect(tail.heldTraces).toBe(10)
      expect(tail.dropped.max_traces).toBe(20)
      // The newest ten are still undecided: an error keeps them whole.
      for (const root of roots.slice(20)) {
        root.setStatus({ code: SpanStatusCode.ERROR })
        root.end()
      }
      for (const root of roots.slice(0, 20)) root.end()
      const exported = byTrace(yield* (yield* TestSpans).all)
      expect([...exported.keys()]).toEqual(roots.slice(20).map((root) => root.spanContext().traceId))
      expect([...exported.values()].every((count) => count === 2)).toBe(true)
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0, maxTraces: 10 } }))))

  it.effect("works for Effect spans: a failing fiber keeps its whole trace", () =>
    Effect.gen(function*() {
      const request = (fail: boolean) =>
        Effect.gen(function*() {
          yield* Effect.withSpan(Effect.void, "load")
          if (fail) yield* Effect.fail(new Error("boom")).pipe(Effect.withSpan("charge"))
        }).pipe(Effect.withSpan("request"), Effect.ignore)
      yield* Effect.forEach([false, true, false], request, { discard: true })
      expect((yield* (yield* TestSpans).all).map((span) => span.name)).toEqual(["load", "charge", "request"])
    }).pipe(Effect.provide(layerTest({ tailSampling: { baseRate: 0 } }))))

  it.effect("is configured from BLIPEE_TAIL_* (only BLIPEE_TAIL_SAMPLING=true switches it on) and validated", () =>
    Effect.gen(function*() {
      const withEnv = (env: Record<string, string>) =>
        Effect.withConfigProvider(settingsFromEnvironment(), ConfigProvider.fromMap(new Map(Object.entries(env))))
      const on = yield* withEnv({
        BLIPEE_TAIL_SAMPLING: "true",
        BLIPEE_TAIL_BASE_RATE: "0.1",
        BLIPEE_TAIL_SLOW_MS: "250",
        BLIPEE_TAIL_MAX_TRACES: "50",
        BLIPEE_TAIL_MAX_SPANS_PER_TRACE: "20",
        BLIPEE_TAIL_KEEP: "http.route=/api/checkout"
      })
      expect(on.tailSampling).toMatchObject({ baseRate: 0.1, slowMs: 250, maxTraces: 50, maxSpansPerTrace: 20, maxWaitMs: 30_000 })
      expect(on.tailSampling!.keep).toHaveLength(1)
      expect(on.batch.maxQueueSize).toBe(2048)
      expect((yield* withEnv({ BLIPEE_TAIL_BASE_RATE: "0.1" })).tailSampling).toBeUndefined()
      expect((yield* withEnv({ BLIPEE_TAIL_SAMPLING: "true", OTEL_BSP_MAX_QUEUE_SIZE: "500" })).batch.maxQueueSize).toBe(500)
      const invalid = yield* Effect.flip(withEnv({ BLIPEE_TAIL_SAMPLING: "true", BLIPEE_TAIL_BASE_RATE: "1.5" }))
      expect(String(invalid)).toContain("BLIPEE_TAIL_BASE_RATE must be a number in [0, 1]")
      const code = yield* Effect.withConfigProvider(
        settingsFromEnvironment({ tailSampling: { maxTraces: 0 } }),
        ConfigProvider.fromMap(new Map())
      ).pipe(Effect.flip)
      expect(String(code)).toContain("tailSampling.maxTraces must be an integer >= 1")
    }))
})

describe("tail sampling with the real pipeline", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startStrictReceiver()
  })
  afterAll(() => receiver.close())

  it.live("exports kept traces whole, batched and redacted, and nothing of the others", () =>
    Effect.gen(function*() {
      const request = (i: number) =>
        Effect.gen(function*() {
          yield* Effect.annotateCurrentSpan({ "db.password": "hunter2-pass", "request.index": i })
          yield* Effect.withSpan(Effect.void, "query")
          if (i % 5 === 0) yield* Effect.fail(new Error("token sk-live-abcdefghijklmnop1234 rejected"))
        }).pipe(Effect.withSpan("request"), Effect.ignore)
      yield* Effect.forEach(Array.from({ length: 40 }, (_, i) => i), request, { discard: true }).pipe(
        Effect.provide(Tracing.layer({
          otlp: { tracesEndpoint: receiver.url },
          batch: { maxExportBatchSize: 3, scheduledDelayMillis: 20 },
          tailSampling: { baseRate: 0 }
        }))
      )
      const roots = receiver.spans.filter((span) => span.name === "request")
      expect(roots.map((span) => span.attributes["request.index"]).sort((a, b) => Number(a) - Number(b))).toEqual([0, 5, 10, 15, 20, 25, 30, 35])
      expect(receiver.spans).toHaveLength(16)
      expect(receiver.requests.length).toBeGreaterThan(1)
      for (const span of roots) {
        expect(span.attributes["db.password"]).toBe("[REDACTED]")
        expect(span.flags & 1).toBe(1)
        expect(receiver.spans.filter((other) => other.traceId === span.traceId).map((other) => other.name).sort()).toEqual(["query", "request"])
      }
      const raw = Buffer.concat(receiver.requests.map((r) => r.raw)).toString("latin1")
      expect(raw).not.toContain("hunter2-pass")
      expect(raw).not.toContain("sk-live-abcdefghijklmnop1234")
    }))
})

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url))

it("makes the same base-rate decision in two processes for the same trace ids", async () => {
  const traceIds = Array.from({ length: 2_000 }, () => randomBytes(16).toString("hex"))
  const run = () =>
    new Promise<Array<string>>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", fixture("tailDecisions")], {
        env: { PATH: process.env.PATH ?? "", BLIPEE_TAIL_SAMPLING: "true", BLIPEE_TAIL_BASE_RATE: "0.1", OTEL_TRACES_EXPORTER: "none" },
        stdio: ["pipe", "pipe", "inherit"]
      })
      let out = ""
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
      child.once("error", reject)
      child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`))))
      child.stdin.end(JSON.stringify(traceIds))
    })
  const [first, second] = await Promise.all([run(), run()])
  expect(first).toEqual(second)
  expect(first).toEqual(traceIds.filter((traceId) => ratioKeeps(0.1, traceId)))
  // 10 % of 2 000, within ±5 standard deviations (≈13 each).
  expect(first.length).toBeGreaterThan(130)
  expect(first.length).toBeLessThan(270)
}, 60_000)

it("keeps memory bounded through a flood of 200 000 traces that never end", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", fixture("tailFlood")], {
    env: { PATH: process.env.PATH ?? "" },
    maxBuffer: 1 << 20
  })
  const result = JSON.parse(stdout)
  expect(result.tail.heldTraces).toBeLessThanOrEqual(1_000)
  expect(result.tail.heldSpans).toBeLessThanOrEqual(1_000)
  const decided = Object.values<number>(result.tail.kept).reduce((a, b) => a + b, 0) +
    Object.values<number>(result.tail.dropped).reduce((a, b) => a + b, 0)
  expect(decided + result.tail.heldTraces).toBe(205_000)
  // Held: at most 1 000 spans of ~1 KiB and 4 000 remembered decisions. A leak of one span per
  // trace would be ~200 MiB.
  expect(result.after - result.before).toBeLessThan(16 * 1024 * 1024)
}, 120_000)
