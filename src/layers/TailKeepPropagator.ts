/**
 * Tail sampling's word to downstream services: once a trace is kept, the requests it sends
 * go out flagged sampled and with `blipee_tail=keep` in `tracestate`, from whichever span
 * (one started before the verdict, so not flagged sampled itself, or after it), and the
 * services downstream keep their part of it too.
 *
 * @since 0.1.0
 */
import { type Context, isSpanContextValid, type TextMapGetter, type TextMapPropagator, type TextMapSetter, trace, TraceFlags } from "@opentelemetry/api"
import { copyRandomFlag } from "../propagation/randomFlag.js"
import { W3CTraceState } from "../propagation/W3CTraceState.js"

/** Our `tracestate` entry telling downstream services that tail sampling kept the trace. */
export const TAIL_KEEP_KEY = "blipee_tail"
export const TAIL_KEEP_VALUE = "keep"

/**
 * Wraps the W3C Trace Context propagator: a kept trace is injected as if its span were
 * sampled and carried the keep entry; extraction is the inner propagator's.
 *
 * @example
 * ```ts
 * new TailKeepPropagator(new W3CTraceContextPropagator(), (traceId) => tail.isKept(traceId))
 * ```
 */
export class TailKeepPropagator implements TextMapPropagator {
  constructor(
    private readonly traceContext: TextMapPropagator,
    private readonly isTailKept: (traceId: string) => boolean
  ) {}

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpan(context)
    const spanContext = span?.spanContext()
    if (span === undefined || spanContext === undefined || !isSpanContextValid(spanContext) || !this.isTailKept(spanContext.traceId)) {
      return this.traceContext.inject(context, carrier, setter)
    }
    const kept = trace.wrapSpanContext({
      ...spanContext,
      traceFlags: spanContext.traceFlags | TraceFlags.SAMPLED,
      traceState: (spanContext.traceState ?? new W3CTraceState()).set(TAIL_KEEP_KEY, TAIL_KEEP_VALUE)
    })
    copyRandomFlag(span, kept)
    this.traceContext.inject(trace.setSpan(context, kept), carrier, setter)
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.traceContext.extract(context, carrier, getter)
  }

  fields(): Array<string> {
    return this.traceContext.fields()
  }
}
