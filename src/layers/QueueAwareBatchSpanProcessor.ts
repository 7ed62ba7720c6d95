/**
 * The SDK's `BatchSpanProcessor`, with its queue watched: it counts the spans it drops because
 * the queue is full, and reports how many wait.
 *
 * The SDK keeps its queue private and only logs drops; applying its rule before it (a span
 * that ends while `maxQueueSize` spans wait is dropped; spans leave the queue when they are
 * handed to the exporter) gives the exact count without touching its internals. Queued spans
 * are {@link CompactSpan} copies.
 *
 * @since 0.1.0
 */
import { type Context, TraceFlags } from "@opentelemetry/api"
import type { ExportResult } from "@opentelemetry/core"
import {
  BatchSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor
} from "@opentelemetry/sdk-trace-base"
import { CompactSpan } from "./CompactSpan.js"
import type { TracingStatsCounters } from "./TracingStats.js"

/**
 * @example
 * ```ts
 * new QueueAwareBatchSpanProcessor(exporter, { maxQueueSize: 100, maxExportBatchSize: 10 }, stats)
 * ```
 */
export class QueueAwareBatchSpanProcessor implements SpanProcessor {
  private queued = 0
  private stopped = false
  private readonly inner: BatchSpanProcessor
  private readonly maxQueueSize: number

  constructor(exporter: SpanExporter, config: BufferConfig & { maxQueueSize: number }, private readonly stats: TracingStatsCounters) {
    this.maxQueueSize = config.maxQueueSize
    const watched: SpanExporter = {
      export: (spans: Array<ReadableSpan>, resultCallback: (result: ExportResult) => void) => {
        this.queued -= spans.length
        exporter.export(spans, resultCallback)
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve()
    }
    this.inner = new BatchSpanProcessor(watched, config)
    stats.queues.push(() => this.queued)
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext)
  }

  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return
    if (this.queued >= this.maxQueueSize) {
      this.stats.recordQueueFullDrop()
      return
    }
    this.queued++
    // What waits for export is the compact copy (tail sampling hands over copies already); the live span can go.
    this.inner.onEnd(span instanceof CompactSpan ? span : new CompactSpan(span))
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush()
  }

  shutdown(): Promise<void> {
    this.stopped = true
    return this.inner.shutdown()
  }
}
