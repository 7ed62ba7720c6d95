/**
 * The demo (`npm start`): traces a few nested operations through the Promise facade, Effect
 * and the plain OpenTelemetry API, and prints each trace as a waterfall in the terminal; with
 * `OTEL_EXPORTER_OTLP_ENDPOINT` set it exports over OTLP instead.
 */
import { trace } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import { initTracing, runTraced, shutdownTracing, SpanKind, Trace, traceAsync, tracer, tracingHealth } from "../src/index.js"

const otlpConfigured = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
initTracing({
  serviceName: process.env.OTEL_SERVICE_NAME ?? "blipee-demo",
  // The environment decides when it says something; otherwise the terminal waterfall.
  ...(process.env.OTEL_TRACES_EXPORTER ? {} : { exporters: [otlpConfigured ? "otlp" : "console"] })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Effect code: a traced function per step, with annotations on the current span. */
const loadUsers = Effect.fn("load_users")(function*(organizationId: string) {
  yield* Effect.annotateCurrentSpan("organization.id", organizationId)
  yield* Effect.sleep("8 millis")
  const users = ["ana", "bo", "cy"]
  yield* Effect.annotateCurrentSpan("users.count", users.length)
  return users
})

const scoreUsers = Effect.fn("score_users")(function*(users: ReadonlyArray<string>) {
  return yield* Effect.forEach(
    users,
    (user) => Effect.sleep("3 millis").pipe(Effect.as(user.length), Effect.withSpan(`score ${user}`)),
    { concurrency: "unbounded" }
  )
})

class ReportService {
  @Trace("ReportService.render", { attributes: { "report.format": "text" } })
  async render(scores: ReadonlyArray<number>): Promise<string> {
    await sleep(4)
    // Plain OpenTelemetry API calls join the same trace.
    trace.getTracer("report-renderer").startActiveSpan("format_rows", (span) => {
      span.setAttribute("rows", scores.length)
      span.end()
    })
    return scores.join(",")
  }
}

const reports = new ReportService()

const handleRequest = (organizationId: string) =>
  traceAsync("GET /api/report", async (span) => {
    span.setAttribute("http.request.method", "GET")
    const scores = await runTraced(Effect.flatMap(loadUsers(organizationId), scoreUsers))
    await tracer.startActiveSpan("custom_operation", async (custom) => {
      custom.setAttribute("custom.attribute", "value")
      await sleep(2)
      custom.addEvent("milestone_reached", { progress: 50 })
    })
    const report = await reports.render(scores)
    span.setAttribute("http.response.status_code", 200)
    return report
  }, { "organization.id": organizationId })

const failingJob = () =>
  tracer.startActiveSpan("nightly_import", { kind: SpanKind.CONSUMER }, async () => {
    await traceAsync("fetch_batch", () => sleep(3))
    await traceAsync("parse_batch", async () => {
      await sleep(1)
      throw new Error("malformed row 17")
    })
  }).catch((error: Error) => `import failed: ${error.message}`)

console.log("report:", await handleRequest("org-456"))
console.log(await failingJob())

const health = tracingHealth()
await shutdownTracing()
console.log(
  `tracing: ${health.spansCreated} spans recorded, exporter ${otlpConfigured ? "otlp" : "console"}, ` +
    `trace id of the health check ${health.traceId}`
)
