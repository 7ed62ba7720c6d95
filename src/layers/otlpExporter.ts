/**
 * The OTLP/HTTP exporters (spans, and the self-monitoring metrics), built from our resolved
 * settings only.
 *
 * The exporter classes of `@opentelemetry/exporter-*-otlp-*` read `OTEL_EXPORTER_OTLP_*` again
 * on their own and merge those headers under ours; they parse only the `k=v` form, so the seed's
 * JSON form (`{"Authorization":"Basic abc=="}`) turns into a malformed header name that fails
 * every export. Building the exporters from the same delegate those classes use, with our
 * configuration as the whole configuration, keeps `config.ts` the one source of truth.
 *
 * @since 0.1.0
 */
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base"
import { createOtlpHttpExportDelegate, httpAgentFactoryFromOptions } from "@opentelemetry/otlp-exporter-base/node-http"
import {
  JsonMetricsSerializer,
  JsonTraceSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper
} from "@opentelemetry/otlp-transformer"
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import type { TracingSettings } from "../config.js"

type Otlp = TracingSettings["otlp"]

const configuration = (otlp: Otlp, url: string) => {
  const json = otlp.protocol === "http/json"
  const headers = { ...otlp.headers, "Content-Type": json ? "application/json" : "application/x-protobuf" }
  return {
    url,
    headers: () => Promise.resolve(headers),
    timeoutMillis: otlp.timeoutMillis,
    compression: otlp.compression,
    // The number of exports in flight at once, the SDK's default.
    concurrencyLimit: 30,
    agentFactory: httpAgentFactoryFromOptions({ keepAlive: true })
  }
}

/**
 * An OTLP/HTTP span exporter: `http/protobuf` or `http/json`, the configured headers, timeout
 * and compression, with the SDK's retries on 429, 502, 503 and 504.
 *
 * @example
 * ```ts
 * const exporter = makeOtlpExporter(settings.otlp)
 * ```
 */
export const makeOtlpExporter = (otlp: Otlp): SpanExporter =>
  new OTLPExporterBase<Array<ReadableSpan>>(createOtlpHttpExportDelegate(
    configuration(otlp, otlp.url),
    otlp.protocol === "http/json" ? JsonTraceSerializer : ProtobufTraceSerializer,
    "otlp_http_span_exporter",
    TraceExporterMetricsHelper,
    undefined
  ))

/**
 * An OTLP/HTTP metric exporter to `url`, with the same headers, protocol and retries;
 * cumulative temporality.
 *
 * @example
 * ```ts
 * new PeriodicExportingMetricReader({ exporter: makeOtlpMetricExporter(settings.otlp, url) })
 * ```
 */
export const makeOtlpMetricExporter = (otlp: Otlp, url: string): PushMetricExporter => {
  const base = new OTLPExporterBase<ResourceMetrics>(createOtlpHttpExportDelegate(
    configuration(otlp, url),
    otlp.protocol === "http/json" ? JsonMetricsSerializer : ProtobufMetricsSerializer,
    "otlp_http_metric_exporter",
    MetricsExporterMetricsHelper,
    undefined
  ))
  return {
    export: (metrics, resultCallback) => base.export(metrics, resultCallback),
    forceFlush: () => base.forceFlush(),
    shutdown: () => base.shutdown(),
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE
  }
}
