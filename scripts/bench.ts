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
import { Tracing } from "../src/index.js"
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

interface Case {
  readonly name: string
  readonly unit: "µs/KB" | "ns/header" | "µs/call"
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
  { name: "traced call, dead collector", unit: "µs/call", run: () => runtimes.dead.runSync(tracedCall) }
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
  return c.unit === "ns/header" ? perCallMs * 1_000_000 : perCallMs * 1000
}

for (const c of cases) measure(c) // warm-up
const samples = new Map<string, Array<number>>(cases.map((c) => [c.name, []]))
for (let round = 0; round < rounds; round++) {
  for (const c of cases) samples.get(c.name)!.push(measure(c))
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
const results = cases.map((c) => {
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
mkdirSync("bench", { recursive: true })
writeFileSync("bench/results.json", `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, results }, null, 2)}\n`)

await Promise.all(Object.values(runtimes).map((runtime) => runtime.dispose()))
healthy.server.closeAllConnections()
hanging.server.closeAllConnections()
await Promise.all([healthy.server, hanging.server].map((server) => new Promise((resolve) => server.close(resolve))))
