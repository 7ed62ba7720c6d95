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
import {
  createOtlpNetworkExportDelegate,
  type IExporterTransport,
  type IOtlpExportDelegate,
  OTLPExporterBase
} from "@opentelemetry/otlp-exporter-base"
import {
  createOtlpHttpExportDelegate,
  createOtlpHttpExporterMetrics,
  httpAgentFactoryFromOptions
} from "@opentelemetry/otlp-exporter-base/node-http"
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
import { BoundedRetryTransport, type ExportControl } from "./exportRetries.js"

type Otlp = TracingSettings["otlp"]

const configuration = (otlp: Otlp, url: string, timeoutMillis: number) => {
  const json = otlp.protocol === "http/json"
  const headers = { ...otlp.headers, "Content-Type": json ? "application/json" : "application/x-protobuf" }
  return {
    url,
    headers: () => Promise.resolve(headers),
    timeoutMillis,
    compression: otlp.compression,
    // The number of exports in flight at once, the SDK's default.
    concurrencyLimit: 30,
    agentFactory: httpAgentFactoryFromOptions({ keepAlive: true })
  }
}

type Serializer<T> = Parameters<typeof createOtlpHttpExportDelegate<T, unknown>>[1]

/**
 * The SDK's OTLP/HTTP delegate with our retries: its HTTP transport (the one inside its
 * retrying transport, which it does not export) under `BoundedRetryTransport`. Should a later
 * SDK be shaped otherwise, its own delegate is used as it is.
 */
const delegate = <T>(
  config: ReturnType<typeof configuration>,
  serializer: Serializer<T>,
  component: string,
  helper: Parameters<typeof createOtlpHttpExportDelegate<T, unknown>>[3],
  control: ExportControl
): IOtlpExportDelegate<T> => {
  const theirs = createOtlpHttpExportDelegate(config, serializer, component, helper, undefined)
  const http = (theirs as unknown as { _transport?: { _transport?: IExporterTransport } })._transport?._transport
  if (typeof http?.send !== "function") return theirs
  return createOtlpNetworkExportDelegate(
    config,
    serializer,
    createOtlpHttpExporterMetrics(component, helper, config.url, undefined),
    new BoundedRetryTransport(http, control)
  )
}

/**
 * An OTLP/HTTP span exporter: `http/protobuf` or `http/json`, the configured headers and
 * compression, retries on 429, 502, 503, 504 and network errors within `timeoutMillis` (the
 * OTLP timeout, or the batch export timeout when that is shorter), none once `control` closes.
 *
 * @example
 * ```ts
 * const exporter = makeOtlpExporter(settings.otlp, settings.batch.exportTimeoutMillis, control)
 * ```
 */
export const makeOtlpExporter = (otlp: Otlp, timeoutMillis: number, control: ExportControl): SpanExporter =>
  new OTLPExporterBase<Array<ReadableSpan>>(delegate(
    configuration(otlp, otlp.url, Math.min(otlp.timeoutMillis, timeoutMillis)),
    otlp.protocol === "http/json" ? JsonTraceSerializer : ProtobufTraceSerializer,
    "otlp_http_span_exporter",
    TraceExporterMetricsHelper,
    control
  ))

/**
 * An OTLP/HTTP metric exporter to `url`, with the same headers, protocol and retries;
 * cumulative temporality.
 *
 * @example
 * ```ts
 * new PeriodicExportingMetricReader({ exporter: makeOtlpMetricExporter(settings.otlp, url, 10_000, control) })
 * ```
 */
export const makeOtlpMetricExporter = (
  otlp: Otlp,
  url: string,
  timeoutMillis: number,
  control: ExportControl
): PushMetricExporter => {
  const base = new OTLPExporterBase<ResourceMetrics>(delegate(
    configuration(otlp, url, Math.min(otlp.timeoutMillis, timeoutMillis)),
    otlp.protocol === "http/json" ? JsonMetricsSerializer : ProtobufMetricsSerializer,
    "otlp_http_metric_exporter",
    MetricsExporterMetricsHelper,
    control
  ))
  return {
    export: (metrics, resultCallback) => base.export(metrics, resultCallback),
    forceFlush: () => base.forceFlush(),
    shutdown: () => base.shutdown(),
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE
  }
}
