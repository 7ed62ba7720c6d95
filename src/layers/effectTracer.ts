/**
 * Effect's tracer over an OpenTelemetry tracer: `@effect/opentelemetry`'s bridge, plus the
 * fiber's baggage and tenant in the OpenTelemetry context while the fiber runs, so that
 * propagators, span processors and facade code called from Effect see them.
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { type Context, context, type Tracer as OtelApiTracer } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import { BaggageRef } from "../context/Baggage.js"
import { RequestScope, scopeOf, withScope } from "../context/scope.js"
import { TenantRef } from "../context/Tenant.js"

/**
 * The OpenTelemetry context a fiber started in; a forked fiber inherits its parent's, so it does
 * not depend on where the scheduler first runs it.
 */
const homeRef = FiberRef.unsafeMake<Context | undefined>(undefined)

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
        // A fiber resumes wherever its last awaited promise settled (inside a finished span's
        // context, or another request's): the context it started in is the one that counts.
        let home = fiber.getFiberRef(homeRef)
        if (home === undefined) {
          home = context.active()
          // Every runtime fiber has `setFiberRef`; the public type only shows the getter.
          ;(fiber as unknown as { setFiberRef: <A>(ref: FiberRef.FiberRef<A>, value: A) => void }).setFiberRef(homeRef, home)
        }
        const baggage = fiber.getFiberRef(BaggageRef)
        const tenant = fiber.getFiberRef(TenantRef)
        const own = baggage.size > 0 || tenant !== undefined
        // A scope found in the ambient context is not this fiber's unless it has values of its own.
        const ambient = own ? withScope(home, new RequestScope(baggage, tenant)) : scopeOf(home) === undefined ? home : withScope(home, undefined)
        return context.with(ambient, () => base.context(execution, fiber))
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
