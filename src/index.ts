/**
 * @blipee/tracing: Effect-native distributed tracing over OpenTelemetry, with a Promise
 * facade for code not written with Effect. Both record into one provider, so their spans
 * nest in one trace.
 *
 * @since 0.1.0
 */

// Configuration
export type {
  BatchOptions,
  ExporterName,
  LogLevelName,
  OtlpOptions,
  OtlpProtocol,
  PropagatorName,
  StandardSamplerName,
  TailKeepRule,
  TailSamplingOptions,
  TracingOptions,
  TracingSettings
} from "./config.js"

// Layers
export * as Tracing from "./layers/Tracing.js"
export { TracingLive } from "./layers/TracingLive.js"
export {
  type ExporterState,
  type TailDropReason,
  type TailKeepReason,
  type TailSamplingSnapshot,
  TracingStats,
  type TracingStatsSnapshot
} from "./layers/TracingStats.js"
export { ConsoleSpanExporter, renderWaterfall } from "./layers/ConsoleSpanExporter.js"
export { buildSpanTree, type SpanNode } from "./layers/spanTree.js"

// Services
export { MissingPackageError } from "./services/optionalPackage.js"
export { DbClient, DbConnectionError, DbError } from "./services/DbClient.js"
export { TracedHttpClient } from "./services/TracedHttpClient.js"
export { AiClient } from "./services/AiClient.js"
export * as Ai from "./services/AiClient.js"
export * as TracedHttp from "./services/TracedHttpClient.js"
export { apiCall, type ApiCallOptions } from "./services/apiClient.js"

// Context
export * as Baggage from "./context/Baggage.js"
export * as Tenant from "./context/Tenant.js"
export type { TenantInfo } from "./context/scope.js"

// Promise facade
export { initTracing, runTraced, shutdownTracing } from "./facade/runtime.js"
export { registerTracing } from "./facade/registerTracing.js"
export { traceAsync } from "./facade/traceAsync.js"
export { tracer } from "./facade/tracer.js"
export { Trace, type TraceOptions } from "./facade/Trace.js"
export { tracingHealth, type TracingHealth } from "./facade/health.js"
export { baggage, extractTraceContext, injectTraceContext } from "./facade/propagation.js"
export { type RequestListenerOptions, tracingRequestListener } from "./facade/tracingRequestListener.js"
export { withTracing, type WithTracingOptions } from "./facade/withTracing.js"
export { traceApiClient, traceFetch, traceOutgoingRequest } from "./facade/http.js"
export { traceDatabaseQuery, traceDatabaseTransaction, tracePrismaOperation } from "./facade/database.js"
export { traceAIChatCompletion, traceMLOperation, traceSemanticCache } from "./facade/ai.js"
export { SpanKind, SpanStatusCode, type Span, type Attributes } from "@opentelemetry/api"
