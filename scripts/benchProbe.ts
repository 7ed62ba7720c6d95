/**
 * The parts of `npm run bench` that need a process of their own, printed as JSON:
 * - `memory raw|ours` (run with --expose-gc): heap retained per ended, not yet exported span
 *   with five attributes, for the raw SDK's batch processor and for this library's;
 * - `disabled`: an untraced `await` and `traceAsync` with tracing off (`OTEL_ENABLED=false`),
 *   where no AsyncLocalStorage context manager is enabled.
 */
import { trace } from "@opentelemetry/api"
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import { initTracing, traceAsync } from "../dist/index.js"

const [mode, variant] = process.argv.slice(2)
const RUN = 100

const retainedPerSpan = () => {
  const gc = (globalThis as { gc?: () => void }).gc!
  const heap = () => {
    gc()
    gc()
    return process.memoryUsage().heapUsed
  }
  const spans = 20_000
  // The exporter never runs: every span stays queued.
  const batch = { maxQueueSize: 2 * spans, maxExportBatchSize: 2 * spans, scheduledDelayMillis: 1e9 }
  const never: SpanExporter = { export: () => {}, shutdown: () => Promise.resolve() }
  let tracer
  if (variant === "raw") {
    tracer = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(never, batch)] }).getTracer("bench")
  } else {
    initTracing({ otlp: { endpoint: "http://127.0.0.1:9" }, batch, metrics: { enabled: false } })
    tracer = trace.getTracer("bench")
  }
  const make = (count: number) => {
    for (let i = 0; i < count; i++) {
      tracer.startSpan("GET /api/orders", {
        attributes: { "http.request.method": "GET", "url.path": `/api/orders/${i}`, "http.response.status_code": 200, "user.id": "user-123", "item.count": i }
      }).end()
    }
  }
  make(200)
  const before = heap()
  make(spans)
  return { bytesPerSpan: (heap() - before) / spans }
}

const disabledAwait = async () => {
  const attributes = { "item.id": 42 }
  const untraced = async () => {
    for (let i = 0; i < RUN; i++) await (async () => i)()
  }
  const traced = async () => {
    for (let i = 0; i < RUN; i++) await traceAsync("op", async () => i, attributes)
  }
  const measure = async (run: () => Promise<void>) => {
    let calls = 0
    const started = performance.now()
    while (performance.now() - started < 100) {
      await run()
      calls++
    }
    return ((performance.now() - started) * 1000) / calls / RUN
  }
  const samples = { untraced: [] as Array<number>, traceAsync: [] as Array<number> }
  for (let round = 0; round < 11; round++) {
    samples.untraced.push(await measure(untraced))
    samples.traceAsync.push(await measure(traced))
  }
  const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[values.length >> 1]!
  return { untraced: median(samples.untraced), traceAsync: median(samples.traceAsync) }
}

const result = mode === "memory" ? retainedPerSpan() : await disabledAwait()
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
