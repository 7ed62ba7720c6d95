/**
 * Between an OpenTelemetry context (async/await code) and an Effect fiber: the baggage and
 * tenant of one seen by the other.
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { type Context, ROOT_CONTEXT, type SpanContext, trace, TraceFlags } from "@opentelemetry/api"
import * as EffectContext from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import { BaggageRef, TenantRef } from "./contextRefs.js"
import { baggageOf, RequestScope, scopeOf, tenantOf, withScope } from "./scope.js"

/**
 * Runs an effect with the baggage and tenant of `context`; baggage the effect sets is written
 * back to the context's request scope when it ends, so async code after it sees it too.
 *
 * @example
 * ```ts
 * runtime.runPromise(withContextValues(context.active())(program))
 * ```
 */
export const withContextValues = (context: Context) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const scope = scopeOf(context)
  const body = scope === undefined
    ? effect
    : Effect.ensuring(effect, Effect.flatMap(FiberRef.get(BaggageRef), (baggage) => Effect.sync(() => {
      scope.baggage = baggage
    })))
  return body.pipe(Effect.locally(BaggageRef, baggageOf(context)), Effect.locally(TenantRef, tenantOf(context)))
}

/** A remote parent with the trace flags and tracestate it arrived with. */
export const externalSpanContext = (span: Tracer.ExternalSpan): SpanContext => {
  const traceState = EffectContext.getOption(span.context, OtelTracer.OtelTraceState)
  const traceFlags = EffectContext.getOption(span.context, OtelTracer.OtelTraceFlags)
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceFlags: Option.getOrElse(traceFlags, () => (span.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE)),
    isRemote: true,
    ...(Option.isSome(traceState) ? { traceState: traceState.value } : {})
  }
}

/**
 * The OpenTelemetry context of the current fiber: its current span (if any), baggage and
 * tenant. What propagators need to write the headers of an outgoing request.
 *
 * @example
 * ```ts
 * const ctx = yield* currentOtelContext
 * propagation.inject(ctx, headers)
 * ```
 */
export const currentOtelContext: Effect.Effect<Context> = Effect.gen(function*() {
  const parent = yield* Effect.option(Effect.currentParentSpan)
  const baggage = yield* FiberRef.get(BaggageRef)
  const tenant = yield* FiberRef.get(TenantRef)
  const base = Option.isNone(parent)
    ? ROOT_CONTEXT
    : parent.value._tag === "ExternalSpan"
    ? trace.setSpanContext(ROOT_CONTEXT, externalSpanContext(parent.value))
    : trace.setSpan(ROOT_CONTEXT, yield* Effect.orDie(OtelTracer.currentOtelSpan))
  return baggage.size === 0 && tenant === undefined ? base : withScope(base, new RequestScope(baggage, tenant))
})
