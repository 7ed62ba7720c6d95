/**
 * @blipee/tracing: Effect-native distributed tracing over OpenTelemetry, with a Promise
 * facade for code not written with Effect. Both record into one provider, so their spans
 * nest in one trace.
 *
 * @since 0.1.0
 */

// Configuration
export type {
  AiOptions,
  BatchOptions,
  ExporterName,
  HttpOptions,
  LogLevelName,
  MetricsOptions,
  ModelPrice,
  OtlpOptions,
  OtlpProtocol,
  PropagatorName,
  RedactionOptions,
  SamplerSetting,
  SpanLimitOptions,
  StandardSamplerName,
  TailKeepRule,
  TailSamplingOptions,
  TracingOptions,
  UrlPattern
} from "./config.js"
export type { PiiClass } from "./redaction/sensitiveText.js"

// Layers
export * as Tracing from "./layers/Tracing.js"
export { TracingLive } from "./layers/TracingLive.js"
export {
  type ExporterState,
  type TailDropReason,
  type TailKeepReason,
  type TailSamplingSnapshot,
  TracingStats,
  type TracingStatsService,
  type TracingStatsSnapshot
} from "./layers/TracingStats.js"
export { ConsoleSpanExporter, renderWaterfall } from "./layers/ConsoleSpanExporter.js"

// Services
export { MissingPackageError } from "./services/optionalPackage.js"
export { DbClient } from "./services/DbClient.js"
export { TracedHttpClient } from "./services/TracedHttpClient.js"
export { AiClient } from "./services/AiClient.js"

// Context
export * as Baggage from "./context/Baggage.js"
export * as Tenant from "./context/Tenant.js"

// Promise facade
export { initTracing, runTraced, shutdownTracing } from "./facade/runtime.js"
export { registerTracing } from "./facade/registerTracing.js"
export { traceAsync } from "./facade/traceAsync.js"
export { tracer } from "./facade/tracer.js"
export { Trace, type TraceOptions } from "./facade/Trace.js"
export { tracingHealth, type TracingHealth } from "./facade/health.js"
export { SpanKind, SpanStatusCode, type Span, type Attributes } from "@opentelemetry/api"
