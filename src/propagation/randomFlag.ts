/**
 * The W3C Trace Context Level 2 random flag (trace-flags, "Random Trace ID Flag") of the spans this
 * library starts. It says how the trace id was made, so it belongs to the trace, not to a
 * context: set when this process generated the trace id (a root span; the SDK's ids are
 * random), passed on as it arrived from a remote parent, inherited from a local parent. The
 * flag is read from the span itself, so a path that rebuilds its context (an Effect fiber, a
 * server middleware) can neither lose it nor invent it; a span we did not start has none.
 *
 * @since 0.1.0
 */
import { type Context, isSpanContextValid, type Span, type SpanOptions, trace } from "@opentelemetry/api"
import { FLAG_RANDOM } from "./traceparent.js"

// A mark on the span object itself: every span gets one at start, and a property added the same
// way to every span stays on V8's fast path, where a WeakSet entry per span is an ephemeron for
// the collector to trace. A span that takes no property (a foreign provider's, frozen) goes to
// the set instead.
const RANDOM = Symbol.for("@blipee/tracing/random-trace-id")
interface Marked {
  [RANDOM]?: true
}
const unmarkable = new WeakSet<Span>()

/**
 * `FLAG_RANDOM` when the trace id of `span` is random by the specification's definition, else 0.
 *
 * @example
 * ```ts
 * const flags = (span.spanContext().traceFlags & FLAG_SAMPLED) | randomFlagOf(span)
 * ```
 */
export const randomFlagOf = (span: Span): number => {
  const spanContext = span.spanContext()
  if (spanContext.isRemote === true) return spanContext.traceFlags & FLAG_RANDOM
  return (span as Marked)[RANDOM] === true || unmarkable.has(span) ? FLAG_RANDOM : 0
}

/**
 * Remembers the flag of a span just started under `parentContext` with `options`.
 *
 * @example
 * ```ts
 * const span = tracer.startSpan(name, options, ctx)
 * noteRandomFlag(span, ctx, options)
 * ```
 */
export const noteRandomFlag = (span: Span, parentContext: Context, options: SpanOptions | undefined): void => {
  const parent = options?.root === true ? undefined : trace.getSpan(parentContext)
  // No valid parent: the SDK generated this trace id, from its random generator. (A marked
  // parent is valid: checked first, it spares the common child the id checks.)
  if (parent === undefined || randomFlagOf(parent) !== 0 || !isSpanContextValid(parent.spanContext())) {
    // Inline, not a shared helper: this runs after the span started and before its caller holds
    // it; at the stack's limit one more call here overflows and leaves that span open.
    if (Object.isExtensible(span)) (span as Marked)[RANDOM] = true
    else unmarkable.add(span)
  }
}

/**
 * Gives `copy`, a stand-in for `span` (the same trace, another span context), the flag of
 * `span`.
 *
 * @example
 * ```ts
 * copyRandomFlag(span, trace.wrapSpanContext({ ...span.spanContext(), traceFlags: TraceFlags.SAMPLED }))
 * ```
 */
export const copyRandomFlag = (span: Span, copy: Span): void => {
  if (randomFlagOf(span) === 0) return
  if (Object.isExtensible(copy)) (copy as Marked)[RANDOM] = true
  else unmarkable.add(copy)
}
