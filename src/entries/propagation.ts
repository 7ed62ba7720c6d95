/**
 * `@blipee/tracing/propagation`: W3C Trace Context and Baggage. The codecs (pure functions),
 * OpenTelemetry `TextMapPropagator`s over them, and the seed's `extractTraceContext`,
 * `injectTraceContext` and `baggage`.
 *
 * @since 0.1.0
 */
export { FLAG_RANDOM, FLAG_SAMPLED, formatTraceparent, parseTraceparent, type Traceparent } from "../propagation/traceparent.js"
export {
  formatTracestate,
  isTracestateKey,
  isTracestateValue,
  parseTracestate,
  type TracestateEntry,
  withTracestateEntry
} from "../propagation/tracestate.js"
export { type BaggageEntry, formatBaggage, isBaggageKey, parseBaggage } from "../propagation/baggage.js"
export type { HeaderSource } from "../propagation/headerValue.js"
export { W3CTraceContextPropagator, type W3CTraceContextOptions } from "../propagation/W3CTraceContextPropagator.js"
export { W3CBaggagePropagator } from "../propagation/W3CBaggagePropagator.js"
export { W3CTraceState } from "../propagation/W3CTraceState.js"
export { extractContext, injectContext, injectHeaders, type HeaderTarget } from "../context/headers.js"
export { baggage, extractTraceContext, injectTraceContext } from "../facade/propagation.js"
