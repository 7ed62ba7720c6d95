/**
 * A tracer over another: subclasses decide how a span starts, and `startActiveSpan` goes
 * through that same `startSpan` (the wrapped tracer's own would bypass it).
 *
 * @since 0.1.0
 */
import { type Context, context, type Span, type SpanOptions, trace, type Tracer } from "@opentelemetry/api"

/**
 * @example
 * ```ts
 * class NamedTracer extends WrappingTracer {
 *   startSpan(name: string, options?: SpanOptions, ctx?: Context) {
 *     return this.tracer.startSpan(`svc ${name}`, options, ctx)
 *   }
 * }
 * ```
 */
export abstract class WrappingTracer implements Tracer {
  constructor(protected readonly tracer: Tracer) {}

  abstract startSpan(name: string, options?: SpanOptions, ctx?: Context): Span

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>
  startActiveSpan(name: string, ...rest: Array<unknown>): unknown {
    const fn = rest[rest.length - 1] as (span: Span) => unknown
    const options = rest.length >= 2 ? (rest[0] as SpanOptions | undefined) : undefined
    const parent = rest.length >= 3 ? (rest[1] as Context) : context.active()
    const span = this.startSpan(name, options, parent)
    return context.with(trace.setSpan(parent, span), fn, undefined, span)
  }
}
