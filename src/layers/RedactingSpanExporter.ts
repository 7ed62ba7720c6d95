/**
 * A `SpanExporter` wrapper that redacts every span before it leaves, then cuts long values:
 * attributes, the span's name, event names and attributes (exception messages and stack
 * traces included), link attributes, the status message and the instrumentation scope. The
 * resource is left as configured. It runs at export, off the traced code's path.
 *
 * Cutting comes after redaction, so that a secret cut in half (`sk-ab…`, 14 of 16 card digits)
 * is still recognised: the provider is given no value length limit, this wrapper applies it.
 *
 * @since 0.1.0
 */
import type { Attributes, AttributeValue, Link } from "@opentelemetry/api"
import type { ExportResult, InstrumentationScope } from "@opentelemetry/core"
import type { ReadableSpan, SpanExporter, TimedEvent } from "@opentelemetry/sdk-trace-base"
import { redactAttributes, type RedactionPolicy } from "../redaction/attributes.js"
import { redactSensitiveText } from "../redaction/sensitiveText.js"

/** What happens to each span on its way out. */
export interface ExportPolicy {
  /** `undefined`: no redaction. */
  readonly redaction: RedactionPolicy | undefined
  /** Longest string attribute value; `Infinity` keeps every value whole. */
  readonly attributeValueLengthLimit: number
}

const cutValue = (value: AttributeValue | undefined, limit: number): AttributeValue | undefined => {
  if (typeof value === "string") return value.length > limit ? value.slice(0, limit) : value
  if (Array.isArray(value) && value.some((item) => typeof item === "string" && item.length > limit)) {
    return (value as Array<unknown>).map((item) => typeof item === "string" && item.length > limit ? item.slice(0, limit) : item) as AttributeValue
  }
  return value
}

const cutAttributes = (attributes: Attributes, limit: number): Attributes => {
  if (limit === Infinity) return attributes
  let out: Attributes | undefined
  for (const key of Object.keys(attributes)) {
    const value = attributes[key]
    const cut = cutValue(value, limit)
    if (cut !== value) {
      out ??= { ...attributes }
      out[key] = cut
    }
  }
  return out ?? attributes
}

/** Makes a span's (or event's, or link's) attributes ready to leave: redacted, then cut. */
const ready = (attributes: Attributes, policy: ExportPolicy): Attributes =>
  cutAttributes(policy.redaction === undefined ? attributes : redactAttributes(attributes, policy.redaction), policy.attributeValueLengthLimit)

const text = (value: string, policy: ExportPolicy): string =>
  policy.redaction === undefined ? value : redactSensitiveText(value, policy.redaction)

const readyEvent = (event: TimedEvent, policy: ExportPolicy): TimedEvent => {
  const name = text(event.name, policy)
  const attributes = event.attributes === undefined ? undefined : ready(event.attributes, policy)
  return name === event.name && attributes === event.attributes ? event : { ...event, name, ...(attributes === undefined ? {} : { attributes }) }
}

const readyLink = (link: Link, policy: ExportPolicy): Link => {
  const attributes = link.attributes === undefined ? undefined : ready(link.attributes, policy)
  return attributes === link.attributes ? link : { ...link, attributes: attributes! }
}

/**
 * Span names and scopes repeat on every span (names are low-cardinality by convention): their
 * redacted forms are kept per policy, names in a bounded map that an unbounded stream of
 * distinct names only resets.
 */
interface Remembered {
  readonly scopes: WeakMap<InstrumentationScope, InstrumentationScope>
  readonly names: Map<string, string>
}
const MAX_NAMES = 1024
const remembered = new WeakMap<ExportPolicy, Remembered>()
const rememberedFor = (policy: ExportPolicy): Remembered => {
  let found = remembered.get(policy)
  if (found === undefined) {
    found = { scopes: new WeakMap(), names: new Map() }
    remembered.set(policy, found)
  }
  return found
}

const readyName = (name: string, policy: ExportPolicy): string => {
  const { names } = rememberedFor(policy)
  let ready = names.get(name)
  if (ready === undefined) {
    ready = text(name, policy)
    if (names.size >= MAX_NAMES) names.clear()
    names.set(name, ready)
  }
  return ready
}

const readyScope = (scope: InstrumentationScope, policy: ExportPolicy): InstrumentationScope => {
  const { scopes } = rememberedFor(policy)
  let ready = scopes.get(scope)
  if (ready === undefined) {
    const name = text(scope.name, policy)
    const version = scope.version === undefined ? undefined : text(scope.version, policy)
    ready = name === scope.name && version === scope.version ? scope : { ...scope, name, ...(version === undefined ? {} : { version }) }
    scopes.set(scope, ready)
  }
  return ready
}

/** Each item mapped; the same array when no item changed. */
const mapSame = <A>(items: Array<A>, f: (item: A) => A): Array<A> => {
  let out: Array<A> | undefined
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const mapped = f(item)
    if (mapped !== item) {
      out ??= items.slice()
      out[i] = mapped
    }
  }
  return out ?? items
}

/**
 * The span ready to leave the process; the same span when nothing had to change.
 *
 * @example
 * ```ts
 * exporter.export(spans.map((span) => readySpan(span, { redaction: policy, attributeValueLengthLimit: Infinity })), callback)
 * ```
 */
export const readySpan = (span: ReadableSpan, policy: ExportPolicy): ReadableSpan => {
  const name = readyName(span.name, policy)
  const attributes = ready(span.attributes, policy)
  const events = mapSame(span.events, (event) => readyEvent(event, policy))
  const links = mapSame(span.links, (link) => readyLink(link, policy))
  const message = span.status.message === undefined ? undefined : text(span.status.message, policy)
  const scope = readyScope(span.instrumentationScope, policy)
  if (
    name === span.name && attributes === span.attributes && events === span.events && links === span.links &&
    message === span.status.message && scope === span.instrumentationScope
  ) return span
  return {
    name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext === undefined ? {} : { parentSpanContext: span.parentSpanContext }),
    startTime: span.startTime,
    endTime: span.endTime,
    status: message === undefined ? span.status : { ...span.status, message },
    attributes,
    links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: scope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount
  }
}

/**
 * @example
 * ```ts
 * new BatchSpanProcessor(new RedactingSpanExporter(otlpExporter, { redaction: policy, attributeValueLengthLimit: 4096 }))
 * ```
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly delegate: SpanExporter, private readonly policy: ExportPolicy) {}

  export(spans: Array<ReadableSpan>, resultCallback: (result: ExportResult) => void): void {
    this.delegate.export(spans.map((span) => readySpan(span, this.policy)), resultCallback)
  }

  shutdown(): Promise<void> {
    return this.delegate.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.delegate.forceFlush?.() ?? Promise.resolve()
  }
}
