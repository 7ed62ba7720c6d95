/**
 * `npm run bench`: the costs of this library's hot pure functions, and of a traced call while
 * the collector is healthy, hanging or dead, measured side by side with a baseline in one run (this machine is shared and noisy: ratios to the baseline travel, raw
 * numbers less so). Cases are interleaved and repeated; the table shows medians and min–max,
 * and `bench/results.json` keeps them. `--quick` runs a few rounds only (the test suite uses it).
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { mkdirSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { context, SpanStatusCode, trace } from "@opentelemetry/api"
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer"
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import { initTracing, shutdownTracing, traceAsync, Tracing } from "../src/index.js"
import { closeServer } from "./webServer.js"
import { parseBaggage } from "../src/propagation/baggage.js"
import { parseTraceparent } from "../src/propagation/traceparent.js"
import { parseTracestate } from "../src/propagation/tracestate.js"
import { sanitizeSql } from "../src/redaction/sanitizeSql.js"
import { redactSensitiveText } from "../src/redaction/sensitiveText.js"

const quick = process.argv.includes("--quick")
const rounds = quick ? 3 : 15
const budgetMs = quick ? 20 : 200

/** Flat strings, as a request would hand them over (not ropes or slices). */
const flat = (text: string) => Buffer.from(text).toString()
const sql1k = flat(
  "SELECT u.id, u.name, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE u.email = 'someone@example.com' AND o.total > 100.50 AND o.created_at > '2024-01-01' AND o.status IN ('paid', 'shipped', 'delivered') "
    .repeat(6)
    .slice(0, 1024)
)
const traceparent = flat("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
const tracestate = flat("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,vendor3=opaque-value-3")
const baggage = flat("userId=alice,serverNode=DF%2028,isProduction=false,tenant.id=tenant-456")
const text1k = flat("The customer wrote in about order 8841, asking for a refund to the card they used last week; ".repeat(12).slice(0, 1024))

/** A plain pass over every character: what any per-character scan of 1 KB costs here. */
const scanBaseline = (text: string) => {
  let n = 0
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x40) n++
  return n
}

/** Local collectors: one that answers 200, one that never answers, and a port nobody listens on. */
const listen = async (handler: http.RequestListener) => {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` }
}
const healthy = await listen((req, res) => {
  req.resume()
  req.on("end", () => res.end())
})
const hanging = await listen((req) => void req.resume())
const dead = await listen(() => {})
await new Promise((resolve) => dead.server.close(resolve))

/** A traced call (one span with two attributes) on a runtime whose exporter is in a given state. */
const tracedCall = Effect.withSpan(Effect.annotateCurrentSpan({ "item.id": 42, "item.kind": "bench" }), "bench-call")
const runtimeFor = (options: Parameters<typeof Tracing.layer>[0]) =>
  ManagedRuntime.make(Tracing.layer({ shutdownTimeoutMillis: 200, ...options }))
const runtimes = {
  none: runtimeFor({ exporters: ["none"] }),
  healthy: runtimeFor({ otlp: { tracesEndpoint: healthy.url } }),
  hanging: runtimeFor({ otlp: { tracesEndpoint: hanging.url, timeoutMillis: 2_000 } }),
  dead: runtimeFor({ otlp: { tracesEndpoint: dead.url, timeoutMillis: 2_000 } })
}

/**
 * Per-span costs, each against its own floor. Spans are made in runs of 100 inside one call so
 * that the per-call overhead of a runtime is shared. Every exporter drops what it gets: this
 * measures the traced code's side, not the export.
 */
const dropAll: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() }
const rawProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropAll)] })
const rawTracer = rawProvider.getTracer("bench")
const attributes = { "item.id": 42, "item.kind": "bench" }
const RUN = 100
const rawSpans = () => {
  for (let i = 0; i < RUN; i++) {
    const span = rawTracer.startSpan("op", { attributes })
    span.end()
  }
}
const bareLoop = () => {
  let n = 0
  for (let i = 0; i < RUN; i++) n += attributes["item.id"]
  return n
}
const effectSpans = Effect.forEach(Array.from({ length: RUN }, (_, i) => i), () => Effect.withSpan(Effect.void, "op", { attributes }), { discard: true })
const effectBare = Effect.forEach(Array.from({ length: RUN }, (_, i) => i), () => Effect.void, { discard: true })
const effectRuntimes = {
  ours: ManagedRuntime.make(Tracing.layer({ exporters: ["none"], spanExporter: dropAll })),
  disabled: ManagedRuntime.make(Tracing.layer({ enabled: false })),
  head: ManagedRuntime.make(Tracing.layer({ exporters: ["none"], spanExporter: dropAll, samplingRate: 0.05 })),
  tail: ManagedRuntime.make(Tracing.layer({ exporters: ["none"], spanExporter: dropAll, tailSampling: { baseRate: 0.05 } }))
}
initTracing({ exporters: ["none"], spanExporter: dropAll })

interface Case {
  readonly name: string
  readonly unit: "µs/KB" | "ns/header" | "µs/call" | "µs/span"
  readonly run: () => unknown
}

const cases: ReadonlyArray<Case> = [
  { name: "char scan baseline (1 KB)", unit: "µs/KB", run: () => scanBaseline(sql1k) },
  { name: "sanitizeSql (1 KB)", unit: "µs/KB", run: () => sanitizeSql(sql1k) },
  { name: "redactSensitiveText (1 KB)", unit: "µs/KB", run: () => redactSensitiveText(text1k) },
  { name: "parseTraceparent", unit: "ns/header", run: () => parseTraceparent(traceparent) },
  { name: "parseTracestate (3 members)", unit: "ns/header", run: () => parseTracestate(tracestate) },
  { name: "parseBaggage (4 members)", unit: "ns/header", run: () => parseBaggage(baggage) },
  { name: "traced call, no exporter", unit: "µs/call", run: () => runtimes.none.runSync(tracedCall) },
  { name: "traced call, healthy collector", unit: "µs/call", run: () => runtimes.healthy.runSync(tracedCall) },
  { name: "traced call, hanging collector", unit: "µs/call", run: () => runtimes.hanging.runSync(tracedCall) },
  { name: "traced call, dead collector", unit: "µs/call", run: () => runtimes.dead.runSync(tracedCall) },
  { name: "span: bare loop (floor)", unit: "µs/span", run: bareLoop },
  { name: "span: raw OpenTelemetry SDK", unit: "µs/span", run: rawSpans }
]

/** Async cases: awaited calls, measured the same way. */
// (Effect runs of 100 spans yield to the scheduler, so they run as promises too.)
const asyncCases: ReadonlyArray<{ readonly name: string; readonly run: () => Promise<unknown> }> = [
  { name: "span: Effect untraced (floor)", run: () => Effect.runPromise(effectBare) },
  { name: "span: Effect native tracer", run: () => Effect.runPromise(effectSpans) },
  { name: "span: Effect.withSpan, ours", run: () => effectRuntimes.ours.runPromise(effectSpans) },
  { name: "span: Effect.withSpan, disabled", run: () => effectRuntimes.disabled.runPromise(effectSpans) },
  { name: "span: head sampling 5 %", run: () => effectRuntimes.head.runPromise(effectSpans) },
  { name: "span: tail sampling 5 %", run: () => effectRuntimes.tail.runPromise(effectSpans) },
  { name: "await: untraced async function", run: async () => { for (let i = 0; i < RUN; i++) await (async () => i)() } },
  { name: "await: traceAsync", run: async () => { for (let i = 0; i < RUN; i++) await traceAsync("op", async () => i, attributes) } }
]

/** Time per call of one case over a fixed budget, in the case's unit. */
const measure = (c: Case): number => {
  let sink: unknown
  let calls = 0
  const started = performance.now()
  let elapsed = 0
  while (elapsed < budgetMs) {
    for (let i = 0; i < 100; i++) sink = c.run()
    calls += 100
    elapsed = performance.now() - started
  }
  if (sink === Symbol.for("never")) console.log(sink)
  const perCallMs = elapsed / calls
  if (c.unit === "µs/span") return (perCallMs * 1000) / RUN
  return c.unit === "ns/header" ? perCallMs * 1_000_000 : perCallMs * 1000
}

const measureAsync = async (c: (typeof asyncCases)[number]): Promise<number> => {
  let calls = 0
  const started = performance.now()
  while (performance.now() - started < budgetMs) {
    await c.run()
    calls++
  }
  return ((performance.now() - started) * 1000) / calls / RUN
}

for (const c of cases) measure(c) // warm-up
for (const c of asyncCases) await measureAsync(c)
const samples = new Map<string, Array<number>>([...cases, ...asyncCases].map((c) => [c.name, []]))
for (let round = 0; round < rounds; round++) {
  for (const c of cases) samples.get(c.name)!.push(measure(c))
  for (const c of asyncCases) samples.get(c.name)!.push(await measureAsync(c))
}

const median = (values: Array<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
// Each unit has its own baseline: a bare character scan for text, no exporter for traced calls.
const baselines: Record<string, number> = {
  "µs/KB": median(samples.get("char scan baseline (1 KB)")!),
  "µs/call": median(samples.get("traced call, no exporter")!)
}
const all: ReadonlyArray<{ readonly name: string; readonly unit: Case["unit"] }> = [
  ...cases,
  ...asyncCases.map((c) => ({ name: c.name, unit: "µs/span" as const }))
]
// What a span adds over its floor, and that cost as a multiple of what the raw SDK adds.
const added = (name: string, floor: string) => median(samples.get(name)!) - median(samples.get(floor)!)
const rawAdded = added("span: raw OpenTelemetry SDK", "span: bare loop (floor)")
const spanRatios = {
  "raw SDK adds (µs/span)": rawAdded,
  "Effect native tracer adds (µs/span)": added("span: Effect native tracer", "span: Effect untraced (floor)"),
  "ours via Effect.withSpan adds (µs/span)": added("span: Effect.withSpan, ours", "span: Effect untraced (floor)"),
  "ours via Effect.withSpan ÷ raw SDK": added("span: Effect.withSpan, ours", "span: Effect untraced (floor)") / rawAdded,
  "ours via Effect.withSpan ÷ Effect native tracer": added("span: Effect.withSpan, ours", "span: Effect untraced (floor)") /
    added("span: Effect native tracer", "span: Effect untraced (floor)"),
  "traceAsync adds (µs/span)": added("await: traceAsync", "await: untraced async function"),
  "traceAsync ÷ raw SDK": added("await: traceAsync", "await: untraced async function") / rawAdded,
  "disabled ÷ Effect untraced": median(samples.get("span: Effect.withSpan, disabled")!) / median(samples.get("span: Effect untraced (floor)")!),
  "tail sampling ÷ head sampling, same rate (added)": added("span: tail sampling 5 %", "span: Effect untraced (floor)") /
    added("span: head sampling 5 %", "span: Effect untraced (floor)")
}

/**
 * What reaches the collector for one workload (2 % failing and 3 % slow traces of four spans):
 * everything, head sampling at 5 %, tail sampling at 5 %. Bytes are the OTLP protobuf of the
 * exported spans in batches of 512.
 */
const exportedFor = async (options: Parameters<typeof Tracing.layer>[0]) => {
  const spans: Array<ReadableSpan> = []
  const collect: SpanExporter = { export: (batch, done) => (spans.push(...batch), done({ code: 0 })), shutdown: () => Promise.resolve() }
  const workload = Effect.sync(() => {
    const tracer = trace.getTracer("bench-workload")
    for (let i = 0; i < (quick ? 1_000 : 10_000); i++) {
      const r = i % 100
      const now = Date.now()
      const root = tracer.startSpan("GET /api/orders", { attributes, startTime: r >= 1 && r <= 3 ? now - 1_500 : now })
      const parent = trace.setSpan(context.active(), root)
      for (const name of ["authorize", "SELECT orders", "render"]) {
        const child = tracer.startSpan(name, { attributes }, parent)
        if ((r === 0 || r === 50) && name === "SELECT orders") child.setStatus({ code: SpanStatusCode.ERROR })
        child.end()
      }
      root.end()
    }
  })
  await Effect.runPromise(workload.pipe(Effect.provide(Tracing.layer({ exporters: ["none"], syncSpanExporter: collect, ...options }))))
  let bytes = 0
  for (let i = 0; i < spans.length; i += 512) bytes += ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + 512))!.length
  return { spans: spans.length, bytes }
}
const exported = {
  all: await exportedFor({ sampler: "always_on" }),
  head: await exportedFor({ samplingRate: 0.05 }),
  tail: await exportedFor({ tailSampling: { baseRate: 0.05 } })
}
const results = all.map((c) => {
  const values = samples.get(c.name)!
  const baseline = baselines[c.unit]
  return {
    case: c.name,
    unit: c.unit,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    ...(baseline === undefined ? {} : { vsBaseline: median(values) / baseline })
  }
})

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2))
console.log(`@blipee/tracing bench · ${new Date().toISOString()} · node ${process.version} · ${rounds} rounds${quick ? " (quick)" : ""}`)
console.log(["case".padEnd(32), "median".padStart(9), "min–max".padStart(17), "unit".padStart(10), "× baseline".padStart(11)].join(" "))
for (const r of results) {
  console.log([
    r.case.padEnd(32),
    fmt(r.median).padStart(9),
    `${fmt(r.min)}–${fmt(r.max)}`.padStart(17),
    r.unit.padStart(10),
    ("vsBaseline" in r ? fmt(r.vsBaseline as number) : "").padStart(11)
  ].join(" "))
}
console.log("")
for (const [name, value] of Object.entries(spanRatios)) console.log(`${name.padEnd(48)} ${fmt(value)}`)
console.log("")
console.log("exported for one workload (5 % failing or slow)      spans      bytes   saved")
for (const [name, { bytes, spans }] of Object.entries(exported)) {
  const saved = `${((1 - bytes / exported.all.bytes) * 100).toFixed(1)} %`
  console.log(`  ${name.padEnd(48)} ${String(spans).padStart(9)} ${String(bytes).padStart(10)} ${saved.padStart(7)}`)
}
mkdirSync("bench", { recursive: true })
writeFileSync("bench/results.json", `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, results, spanRatios, exported }, null, 2)}\n`)

await Promise.all([...Object.values(runtimes), ...Object.values(effectRuntimes)].map((runtime) => runtime.dispose()))
await shutdownTracing()
await rawProvider.shutdown()
await Promise.all([healthy.server, hanging.server].map(closeServer))
