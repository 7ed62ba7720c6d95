import { Effect } from "effect"
import { trace } from "@opentelemetry/api"
import { traceAsync, tracer, runTraced, tracingHealth, shutdownTracing, initTracing } from "../src/index.js"
initTracing({ exporters: ["console"], serviceName: "smoke" })
await traceAsync("outer", async () => {
  await new Promise((r) => setTimeout(r, 5))
  await runTraced(Effect.gen(function*() {
    yield* Effect.sleep(2)
    yield* Effect.promise(() => traceAsync("facade-in-effect", async () => {
      const s = trace.getActiveSpan()
      console.log("active in facade-in-effect:", s?.spanContext().spanId)
      trace.getTracer("plain").startActiveSpan("plain", (sp) => sp.end())
    }))
  }).pipe(Effect.withSpan("effect-span")))
  await tracer.startActiveSpan("custom_operation", async (span) => { span.setAttribute("a", 1) })
}, { userId: "u1" })
console.log(tracingHealth())
await shutdownTracing()
