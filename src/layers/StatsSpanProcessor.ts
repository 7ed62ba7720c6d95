/**
 * A `SpanProcessor` that counts recorded spans as they start and end.
 *
 * @since 0.1.0
 */
import type { Context } from "@opentelemetry/api"
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base"
import type { TracingStatsCounters } from "./TracingStats.js"

/**
 * Counts `otel.spans.created` and ended spans; holds no span.
 *
 * @example
 * ```ts
 * new BasicTracerProvider({ spanProcessors: [new StatsSpanProcessor(stats), batch] })
 * ```
 */
export class StatsSpanProcessor implements SpanProcessor {
  constructor(private readonly stats: TracingStatsCounters) {}

  onStart(_span: Span, _parentContext: Context): void {
    this.stats.recordStart()
  }

  onEnd(_span: ReadableSpan): void {
    this.stats.spansEnded++
  }

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}
