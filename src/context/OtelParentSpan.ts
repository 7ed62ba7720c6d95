/**
 * An OpenTelemetry span seen by Effect as its parent span: Effect spans started under it are
 * its local children (not children of a "remote" parent), keep its trace flags and tracestate,
 * and `Tracer.currentOtelSpan` returns the span itself.
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import type { Span } from "@opentelemetry/api"
import * as Context from "effect/Context"
import type * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"

// The brand `@effect/opentelemetry` gives its own spans.
const OtelSpanBrand: unique symbol = Symbol.for("@effect/opentelemetry/Tracer/OtelSpan") as never

/**
 * @example
 * ```ts
 * Effect.withParentSpan(program, new OtelParentSpan(trace.getActiveSpan()!, "handler"))
 * ```
 */
export class OtelParentSpan implements Tracer.Span {
  readonly [OtelSpanBrand] = true
  readonly _tag = "Span"
  readonly parent = Option.none()
  readonly context: Context.Context<never>
  readonly links: Array<Tracer.SpanLink> = []
  readonly attributes = new Map<string, unknown>()
  readonly spanId: string
  readonly traceId: string
  readonly sampled: boolean
  status: Tracer.SpanStatus

  constructor(
    readonly span: Span,
    readonly name: string,
    readonly kind: Tracer.SpanKind = "internal",
    startTime: bigint = BigInt(Date.now()) * 1_000_000n
  ) {
    const spanContext = span.spanContext()
    this.spanId = spanContext.spanId
    this.traceId = spanContext.traceId
    this.sampled = (spanContext.traceFlags & 1) === 1
    this.status = { _tag: "Started", startTime }
    let context = Context.make(OtelTracer.OtelTraceFlags, spanContext.traceFlags)
    if (spanContext.traceState !== undefined) context = Context.add(context, OtelTracer.OtelTraceState, spanContext.traceState)
    this.context = context as Context.Context<never>
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") this.span.setAttribute(key, value)
  }

  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.span.addEvent(name, attributes as Record<string, string>)
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }

  /** The OpenTelemetry span is ended by whoever started it. */
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
}
