/**
 * Redaction at record time, for a provider someone else set up (`@vercel/otel`, the Node SDK):
 * its exporters are not ours to wrap, so every span this library starts on it masks what is
 * recorded (name, attributes, events, exceptions, links, status) before the provider sees it,
 * and before the provider cuts long values.
 *
 * @since 0.1.0
 */
import {
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type Link,
  type Span,
  type SpanAttributes,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerOptions,
  type TracerProvider
} from "@opentelemetry/api"
import { redactAttributes, redactValue, type RedactionPolicy } from "../redaction/attributes.js"
import { redactSensitiveText } from "../redaction/sensitiveText.js"
import { WrappingTracer } from "./WrappingTracer.js"

const redactLinks = (links: ReadonlyArray<Link>, policy: RedactionPolicy): Array<Link> =>
  links.map((link) => link.attributes === undefined ? link : { ...link, attributes: redactAttributes(link.attributes, policy) })

const redactException = (exception: Exception, policy: RedactionPolicy): Exception => {
  if (typeof exception === "string") return redactSensitiveText(exception, policy)
  if (typeof exception !== "object" || exception === null) return exception
  const { code, message, name, stack } = exception as { code?: unknown; message?: unknown; name?: unknown; stack?: unknown }
  const text = (value: unknown) => typeof value === "string" ? redactSensitiveText(value, policy) : undefined
  return {
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    ...(typeof name === "string" ? { name: text(name)! } : {}),
    ...(typeof message === "string" ? { message: text(message)! } : {}),
    ...(typeof stack === "string" ? { stack: text(stack)! } : {})
  } as Exception
}

class RedactingSpan implements Span {
  constructor(private readonly span: Span, private readonly policy: RedactionPolicy) {}

  spanContext(): SpanContext {
    return this.span.spanContext()
  }

  setAttribute(key: string, value: SpanAttributes[string]): this {
    this.span.setAttribute(key, redactValue(key, value as AttributeValue, this.policy) as AttributeValue)
    return this
  }

  setAttributes(attributes: SpanAttributes): this {
    this.span.setAttributes(redactAttributes(attributes, this.policy))
    return this
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    const isAttributes = typeof attributesOrStartTime === "object" && attributesOrStartTime !== null &&
      !Array.isArray(attributesOrStartTime) && !(attributesOrStartTime instanceof Date)
    this.span.addEvent(
      redactSensitiveText(String(name), this.policy),
      isAttributes ? redactAttributes(attributesOrStartTime as Attributes, this.policy) : attributesOrStartTime,
      startTime
    )
    return this
  }

  addLink(link: Link): this {
    this.span.addLink(redactLinks([link], this.policy)[0]!)
    return this
  }

  addLinks(links: Array<Link>): this {
    this.span.addLinks(redactLinks(links, this.policy))
    return this
  }

  setStatus(status: SpanStatus): this {
    this.span.setStatus(
      typeof status?.message === "string" ? { ...status, message: redactSensitiveText(status.message, this.policy) } : status
    )
    return this
  }

  updateName(name: string): this {
    this.span.updateName(redactSensitiveText(String(name), this.policy))
    return this
  }

  end(endTime?: TimeInput): void {
    this.span.end(endTime)
  }

  isRecording(): boolean {
    return this.span.isRecording()
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.span.recordException(redactException(exception, this.policy), time)
  }
}

class RedactingTracer extends WrappingTracer {
  constructor(tracer: Tracer, private readonly policy: RedactionPolicy) {
    super(tracer)
  }

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    const redacted: SpanOptions | undefined = options === undefined ? undefined : {
      ...options,
      ...(options.attributes === undefined ? {} : { attributes: redactAttributes(options.attributes, this.policy) }),
      ...(options.links === undefined ? {} : { links: redactLinks(options.links, this.policy) })
    }
    const span = this.tracer.startSpan(redactSensitiveText(String(name), this.policy), redacted, ctx)
    return span.isRecording() ? new RedactingSpan(span, this.policy) : span
  }
}

/**
 * The provider with record-time redaction on every tracer it hands out.
 *
 * @example
 * ```ts
 * const provider = redactingTracerProvider(trace.getTracerProvider(), settings.redaction)
 * ```
 */
export const redactingTracerProvider = (provider: TracerProvider, policy: RedactionPolicy): TracerProvider => ({
  getTracer: (name: string, version?: string, options?: TracerOptions) =>
    new RedactingTracer(provider.getTracer(name, version, options), policy)
})
