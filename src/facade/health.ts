/**
 * `tracingHealth()`: is tracing working, and how has it fared so far.
 *
 * @since 0.1.0
 */
import { trace } from "@opentelemetry/api"
import { activeRegistration } from "../layers/globalRegistration.js"
import type { TracingStatsSnapshot } from "../layers/TracingStats.js"
import { TracingStatsCounters } from "../layers/TracingStats.js"
import { HEALTH_CHECK_ATTRIBUTE, HEALTH_CHECK_SPAN } from "../semconv.js"
import { ensureTracing, facadeTracer } from "./runtime.js"

export interface TracingHealth extends TracingStatsSnapshot {
  /** Whether spans are being recorded at all. */
  readonly enabled: boolean
  /** The trace id of the test span just started and ended. */
  readonly traceId: string
  /** Whether the sampler kept the test span. */
  readonly sampled: boolean
}

/**
 * Starts and ends a test span (as the seed guide's health check does) and reports its trace
 * id, the exporter's state and the self-monitoring counters so far.
 *
 * @example
 * ```ts
 * const health = tracingHealth()
 * console.log("Trace ID:", health.traceId, health.exporter.state, health.spansExported)
 * ```
 */
export const tracingHealth = (): TracingHealth => {
  ensureTracing()
  const span = facadeTracer.startSpan(HEALTH_CHECK_SPAN, { attributes: { [HEALTH_CHECK_ATTRIBUTE]: true } })
  span.end()
  const spanContext = span.spanContext()
  const registration = activeRegistration()
  return {
    ...(registration?.stats ?? new TracingStatsCounters(false)).snapshot(),
    enabled: registration !== undefined,
    traceId: spanContext.traceId,
    sampled: trace.isSpanContextValid(spanContext) && (spanContext.traceFlags & 1) === 1
  }
}
