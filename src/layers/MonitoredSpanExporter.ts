/**
 * A `SpanExporter` wrapper that records every export's outcome and duration, and keeps a
 * throwing exporter from reaching the span processor (and so the traced program).
 *
 * @since 0.1.0
 */
import { diag } from "@opentelemetry/api"
import { type ExportResult, ExportResultCode } from "@opentelemetry/core"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import type { TracingStatsCounters } from "./TracingStats.js"

/** The failure with its HTTP status in the message, when the collector answered with one. */
const describeFailure = (error: Error | undefined): Error => {
  if (error === undefined) return new Error("export failed")
  const status = (error as { code?: unknown }).code
  return typeof status === "number" && !error.message.includes(String(status))
    ? new Error(`${error.message} (HTTP ${status})`, { cause: error })
    : error
}

/**
 * @example
 * ```ts
 * new BatchSpanProcessor(new MonitoredSpanExporter(otlpExporter, stats))
 * ```
 */
export class MonitoredSpanExporter implements SpanExporter {
  constructor(private readonly delegate: SpanExporter, private readonly stats: TracingStatsCounters) {}

  export(spans: Array<ReadableSpan>, resultCallback: (result: ExportResult) => void): void {
    const started = performance.now()
    const done = (result: ExportResult) => {
      const error = result.code === ExportResultCode.SUCCESS ? undefined : describeFailure(result.error)
      this.stats.recordExport(spans.length, performance.now() - started, error)
      if (error !== undefined) diag.warn(`span export failed, ${spans.length} spans dropped: ${error.message}`)
      resultCallback(result)
    }
    try {
      this.delegate.export(spans, done)
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) })
    }
  }

  shutdown(): Promise<void> {
    return this.delegate.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.delegate.forceFlush?.() ?? Promise.resolve()
  }
}
