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
import { type Context, diag, TraceFlags } from "@opentelemetry/api"
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
import type { Drainable } from "./crashFlush.js"
import type { TracingStatsCounters } from "./TracingStats.js"

// Once per process (on globalThis, like the registry: two copies of this module share it).
const warnedKey = Symbol.for("@blipee/tracing/queue-full-warned")

/** The first drop of a process is said once; all are counted (`otel.spans.dropped`). */
const warnFirstDrop = (maxQueueSize: number) => {
  const flags = globalThis as { [warnedKey]?: true }
  if (flags[warnedKey] === true) return
  flags[warnedKey] = true
  diag.warn(
    `@blipee/tracing: the export queue is full (${maxQueueSize} spans), so spans are being dropped ` +
      "(counted in otel.spans.dropped and TracingStats); for bursts raise OTEL_BSP_MAX_QUEUE_SIZE " +
      "(batch.maxQueueSize) and OTEL_BSP_MAX_EXPORT_BATCH_SIZE (batch.maxExportBatchSize)"
  )
}

/**
 * @example
 * ```ts
 * new QueueAwareBatchSpanProcessor(exporter, { maxQueueSize: 100, maxExportBatchSize: 10 }, stats)
 * ```
 */
export class QueueAwareBatchSpanProcessor implements SpanProcessor, Drainable {
  private stopped = false
  /**
   * The spans waiting, in the order they came: the same ones as the SDK's queue, which hands
   * them to the exporter from the front. An array, not a set: a set's table grows to a batch
   * and is rebuilt as each batch leaves, which cost a span ~0.5 µs.
   */
  private queue: Array<ReadableSpan> = []
  /** Batches handed to the exporter and not yet answered (with `queue`, what a crash would lose). */
  private readonly inFlight = new Set<Array<ReadableSpan>>()
  private inFlightSpans = 0
  private readonly inner: BatchSpanProcessor
  private readonly maxQueueSize: number

  constructor(exporter: SpanExporter, config: BufferConfig & { maxQueueSize: number }, private readonly stats: TracingStatsCounters) {
    this.maxQueueSize = config.maxQueueSize
    const watched: SpanExporter = {
      export: (spans: Array<ReadableSpan>, resultCallback: (result: ExportResult) => void) => {
        this.handOver(spans)
        exporter.export(spans, (result) => {
          if (this.inFlight.delete(spans)) this.inFlightSpans -= spans.length
          resultCallback(result)
        })
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve()
    }
    this.inner = new BatchSpanProcessor(watched, config)
    stats.queues.push(() => this.queue.length)
  }

  /** A batch leaves the queue for the exporter. */
  private handOver(batch: Array<ReadableSpan>): void {
    // The batch is a run from the front of the SDK's queue, so one from the front of ours too
    // (after any batch the SDK took and never exported, which stays ours to deliver).
    const at = this.queue.indexOf(batch[0]!)
    if (at >= 0) this.queue.splice(at, batch.length)
    this.inFlight.add(batch)
    this.inFlightSpans += batch.length
    // An exporter that never answers must not make this grow: past a full queue's worth, the oldest go.
    for (const oldest of this.inFlight) {
      if (this.inFlightSpans <= this.maxQueueSize || oldest === batch) break
      this.inFlight.delete(oldest)
      this.inFlightSpans -= oldest.length
    }
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext)
  }

  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return
    if (this.queue.length >= this.maxQueueSize) {
      this.stats.recordQueueFullDrop()
      warnFirstDrop(this.maxQueueSize)
      return
    }
    // What waits for export is the compact copy (tail sampling hands over copies already); the live span can go.
    const copy = span instanceof CompactSpan ? span : new CompactSpan(span)
    this.queue.push(copy)
    this.inner.onEnd(copy)
  }

  /** The spans queued or in an export not yet answered, taken out for a last synchronous send. */
  drain(): Array<ReadableSpan> {
    const spans = [...this.inFlight].flat().concat(this.queue)
    this.inFlight.clear()
    this.inFlightSpans = 0
    this.queue = []
    return spans
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush()
  }

  shutdown(): Promise<void> {
    this.stopped = true
    return this.inner.shutdown()
  }
}
