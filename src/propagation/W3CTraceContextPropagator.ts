/**
 * A `TextMapPropagator` for W3C Trace Context (`traceparent`, `tracestate`) on our codecs.
 *
 * @since 0.1.0
 */
import {
  type Context,
  isSpanContextValid,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
  TraceFlags
} from "@opentelemetry/api"
import { isTracingSuppressed } from "@opentelemetry/core"
import { randomFlagOf } from "./randomFlag.js"
import { FLAG_RANDOM, FLAG_SAMPLED, formatTraceparent, parseTraceparent } from "./traceparent.js"
import { W3CTraceState } from "./W3CTraceState.js"

export const TRACEPARENT = "traceparent"
export const TRACESTATE = "tracestate"

export interface W3CTraceContextOptions {
  /**
   * Our own `tracestate` entry: when set, each outgoing request carries `key=<span id>` at
   * the front, as the specification's example vendors do.
   */
  readonly vendorKey?: string | undefined
}

/**
 * @example
 * ```ts
 * propagation.setGlobalPropagator(new W3CTraceContextPropagator())
 * ```
 */
export class W3CTraceContextPropagator implements TextMapPropagator {
  constructor(private readonly options: W3CTraceContextOptions = {}) {}

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpan(context)
    const spanContext = span?.spanContext()
    if (spanContext === undefined || !isSpanContextValid(spanContext) || isTracingSuppressed(context)) return
    setter.set(
      carrier,
      TRACEPARENT,
      formatTraceparent({
        traceId: spanContext.traceId,
        parentId: spanContext.spanId,
        flags: (spanContext.traceFlags & FLAG_SAMPLED) | randomFlagOf(span!)
      })
    )
    let traceState = spanContext.traceState
    if (this.options.vendorKey !== undefined && !spanContext.isRemote) {
      traceState = (traceState ?? new W3CTraceState()).set(this.options.vendorKey, spanContext.spanId)
    }
    const serialized = traceState?.serialize()
    if (serialized) setter.set(carrier, TRACESTATE, serialized)
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const parent = parseTraceparent(getter.get(carrier, TRACEPARENT))
    if (parent === undefined) return context
    const traceState = W3CTraceState.parse(getter.get(carrier, TRACESTATE))
    return trace.setSpanContext(context, {
      traceId: parent.traceId,
      spanId: parent.parentId,
      traceFlags: parent.flags & (TraceFlags.SAMPLED | FLAG_RANDOM),
      isRemote: true,
      ...(traceState === undefined ? {} : { traceState })
    })
  }

  fields(): Array<string> {
    return [TRACEPARENT, TRACESTATE]
  }
}
