/**
 * A `SpanExporter` wrapper that redacts every span before it leaves: attributes, event
 * attributes (exception messages and stack traces included), link attributes and the status
 * message. The resource is left as configured. It runs at export, off the traced code's path.
 *
 * @since 0.1.0
 */
import type { ExportResult } from "@opentelemetry/core"
import type { ReadableSpan, SpanExporter, TimedEvent } from "@opentelemetry/sdk-trace-base"
import { redactAttributes, type RedactionPolicy } from "../redaction/attributes.js"
import { redactSensitiveText } from "../redaction/sensitiveText.js"

/**
 * The span with its secrets masked; the same span when it had none.
 *
 * @example
 * ```ts
 * exporter.export(spans.map((span) => redactSpan(span, policy)), callback)
 * ```
 */
export const redactSpan = (span: ReadableSpan, policy: RedactionPolicy): ReadableSpan => {
  const attributes = redactAttributes(span.attributes, policy)
  let eventsChanged = false
  const events = span.events.map((event): TimedEvent => {
    if (event.attributes === undefined) return event
    const redacted = redactAttributes(event.attributes, policy)
    if (redacted === event.attributes) return event
    eventsChanged = true
    return { ...event, attributes: redacted }
  })
  let linksChanged = false
  const links = span.links.map((link) => {
    if (link.attributes === undefined) return link
    const redacted = redactAttributes(link.attributes, policy)
    if (redacted === link.attributes) return link
    linksChanged = true
    return { ...link, attributes: redacted }
  })
  const message = span.status.message === undefined ? undefined : redactSensitiveText(span.status.message, policy.patterns)
  if (attributes === span.attributes && !eventsChanged && !linksChanged && message === span.status.message) return span
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext === undefined ? {} : { parentSpanContext: span.parentSpanContext }),
    startTime: span.startTime,
    endTime: span.endTime,
    status: message === undefined ? span.status : { ...span.status, message },
    attributes,
    links: linksChanged ? links : span.links,
    events: eventsChanged ? events : span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount
  }
}

/**
 * @example
 * ```ts
 * new BatchSpanProcessor(new RedactingSpanExporter(otlpExporter, policy))
 * ```
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly delegate: SpanExporter, private readonly policy: RedactionPolicy) {}

  export(spans: Array<ReadableSpan>, resultCallback: (result: ExportResult) => void): void {
    this.delegate.export(spans.map((span) => redactSpan(span, this.policy)), resultCallback)
  }

  shutdown(): Promise<void> {
    return this.delegate.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.delegate.forceFlush?.() ?? Promise.resolve()
  }
}
