/**
 * Effect's tracer over an OpenTelemetry tracer: `@effect/opentelemetry`'s bridge, plus the
 * fiber's baggage and tenant in the OpenTelemetry context while the fiber runs, so that
 * propagators, span processors and facade code called from Effect see them.
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { context, type Tracer as OtelApiTracer } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import { BaggageRef } from "../context/Baggage.js"
import { RequestScope, scopeOf, withScope } from "../context/scope.js"
import { TenantRef } from "../context/Tenant.js"

/**
 * @example
 * ```ts
 * const tracer = yield* makeEffectTracer(provider.getTracer("svc"))
 * ```
 */
export const makeEffectTracer = (otelTracer: OtelApiTracer): Effect.Effect<Tracer.Tracer> =>
  Effect.map(Effect.provideService(OtelTracer.make, OtelTracer.OtelTracer, otelTracer), (base) =>
    Tracer.make({
      span: base.span,
      context(execution, fiber) {
        const baggage = fiber.getFiberRef(BaggageRef)
        const tenant = fiber.getFiberRef(TenantRef)
        const own = baggage.size > 0 || tenant !== undefined
        // The scheduler may run this fiber inside another request's async context: a scope
        // found there is not ours, so it is hidden unless the fiber has values of its own.
        if (!own && scopeOf(context.active()) === undefined) return base.context(execution, fiber)
        const scope = own ? new RequestScope(baggage, tenant) : undefined
        return base.context(() => context.with(withScope(context.active(), scope), execution), fiber)
      }
    }))

/**
 * Installs that tracer as Effect's tracer.
 *
 * @example
 * ```ts
 * Effect.provide(program, layerEffectTracer(provider.getTracer("svc")))
 * ```
 */
export const layerEffectTracer = (otelTracer: OtelApiTracer): Layer.Layer<never> =>
  Layer.unwrapEffect(Effect.map(makeEffectTracer(otelTracer), Layer.setTracer))
