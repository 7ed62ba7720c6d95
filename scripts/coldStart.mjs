/**
 * One cold start, for `npm run bench`: loads a tracing set-up in a fresh process and prints
 * {"millis", "rssMegabytes"}: from before the first import to a built, exporting set-up (OTLP
 * over HTTP to a closed port; nothing is sent). Plain JavaScript, so no loader is measured.
 * - `ours`: `import "@blipee/tracing"` (the built package) and `initTracing()`;
 * - `sdk`: the raw SDK with its OTLP/HTTP exporter and batch processor;
 * - `effect-otel`: `@effect/opentelemetry`'s NodeSdk layer, built, with the same exporter.
 */
const started = performance.now()
const url = "http://127.0.0.1:9/v1/traces"
const mode = process.argv[2]
if (mode === "ours") {
  const { initTracing } = await import("../dist/index.js")
  initTracing({ otlp: { tracesEndpoint: url } })
} else {
  const { BatchSpanProcessor, BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base")
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http")
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }))
  if (mode === "sdk") {
    new BasicTracerProvider({ spanProcessors: [processor] })
  } else {
    const NodeSdk = await import("@effect/opentelemetry/NodeSdk")
    const Effect = await import("effect/Effect")
    const ManagedRuntime = await import("effect/ManagedRuntime")
    await ManagedRuntime.make(NodeSdk.layer(() => ({ resource: { serviceName: "cold" }, spanProcessor: processor }))).runPromise(Effect.void)
  }
}
console.log(JSON.stringify({ millis: performance.now() - started, rssMegabytes: process.memoryUsage().rss / 1e6 }))
process.exit(0)
