/**
 * A finished span as the export queue keeps it: the fields an exporter reads, and nothing of
 * the live span's machinery (processor, limits, clock, its own copies).
 *
 * The SDK's span keeps about 1 KiB per ended five-attribute span until it is exported; this
 * copy shares the span's own values (attributes, ids) and keeps about 500 bytes, so a
 * full queue behind a slow collector costs half the memory.
 *
 * @since 0.1.0
 */
import type { HrTime, Link, SpanContext, SpanKind, SpanStatus } from "@opentelemetry/api"
import { hrTimeDuration, type InstrumentationScope } from "@opentelemetry/core"
import type { Resource } from "@opentelemetry/resources"
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base"

const NONE: Array<never> = []

/**
 * @example
 * ```ts
 * batchProcessor.onEnd(new CompactSpan(span))
 * ```
 */
export class CompactSpan implements ReadableSpan {
  readonly name: string
  readonly kind: SpanKind
  readonly parentSpanContext?: SpanContext
  readonly status: SpanStatus
  readonly attributes: ReadableSpan["attributes"]
  readonly links: Array<Link>
  readonly events: Array<TimedEvent>
  readonly resource: Resource
  readonly instrumentationScope: InstrumentationScope
  readonly droppedAttributesCount: number
  readonly droppedEventsCount: number
  readonly droppedLinksCount: number
  private readonly context: SpanContext
  // Times as four small integers: two [seconds, nanoseconds] arrays would cost ~100 bytes more.
  private readonly startSeconds: number
  private readonly startNanos: number
  private readonly endSeconds: number
  private readonly endNanos: number

  /** `context` replaces the span's own (tail sampling marks a kept span sampled). */
  constructor(span: ReadableSpan, context: SpanContext = span.spanContext()) {
    this.name = span.name
    this.kind = span.kind
    this.context = context
    if (span.parentSpanContext !== undefined) this.parentSpanContext = span.parentSpanContext
    this.startSeconds = span.startTime[0]
    this.startNanos = span.startTime[1]
    this.endSeconds = span.endTime[0]
    this.endNanos = span.endTime[1]
    this.status = span.status
    this.attributes = span.attributes
    this.links = span.links.length === 0 ? NONE : span.links
    this.events = span.events.length === 0 ? NONE : span.events
    this.resource = span.resource
    this.instrumentationScope = span.instrumentationScope
    this.droppedAttributesCount = span.droppedAttributesCount
    this.droppedEventsCount = span.droppedEventsCount
    this.droppedLinksCount = span.droppedLinksCount
  }

  spanContext(): SpanContext {
    return this.context
  }

  get startTime(): HrTime {
    return [this.startSeconds, this.startNanos]
  }

  get endTime(): HrTime {
    return [this.endSeconds, this.endNanos]
  }

  get duration(): HrTime {
    return hrTimeDuration(this.startTime, this.endTime)
  }

  get ended(): boolean {
    return true
  }
}
