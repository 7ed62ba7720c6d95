/**
 * The OTLP/HTTP span exporter, built from our resolved settings only.
 *
 * The exporter classes of `@opentelemetry/exporter-trace-otlp-*` read `OTEL_EXPORTER_OTLP_*`
 * again on their own and merge those headers under ours; they parse only the `k=v` form, so the
 * seed's JSON form (`{"Authorization":"Basic abc=="}`) turns into a malformed header name that
 * fails every export. Building the exporter from the same delegate those classes use, with our
 * configuration as the whole configuration, keeps `config.ts` the one source of truth.
 *
 * @since 0.1.0
 */
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base"
import { createOtlpHttpExportDelegate, httpAgentFactoryFromOptions } from "@opentelemetry/otlp-exporter-base/node-http"
import {
  JsonTraceSerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper
} from "@opentelemetry/otlp-transformer"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import type { TracingSettings } from "../config.js"

/** The `otel.component.type` of an OTLP/HTTP span exporter (OpenTelemetry semantic conventions). */
const COMPONENT_TYPE = "otlp_http_span_exporter"

/**
 * An OTLP/HTTP exporter for the given settings: `http/protobuf` or `http/json`, the configured
 * headers, timeout and compression, with the SDK's retries on 429, 502, 503 and 504.
 *
 * @example
 * ```ts
 * const exporter = makeOtlpExporter(settings.otlp)
 * ```
 */
export const makeOtlpExporter = (otlp: TracingSettings["otlp"]): SpanExporter => {
  const json = otlp.protocol === "http/json"
  const headers = { ...otlp.headers, "Content-Type": json ? "application/json" : "application/x-protobuf" }
  const delegate = createOtlpHttpExportDelegate(
    {
      url: otlp.url,
      headers: () => Promise.resolve(headers),
      timeoutMillis: otlp.timeoutMillis,
      compression: otlp.compression,
      // The number of exports in flight at once, the SDK's default.
      concurrencyLimit: 30,
      agentFactory: httpAgentFactoryFromOptions({ keepAlive: true })
    },
    json ? JsonTraceSerializer : ProtobufTraceSerializer,
    COMPONENT_TYPE,
    TraceExporterMetricsHelper,
    undefined
  )
  return new OTLPExporterBase<Array<ReadableSpan>>(delegate)
}
