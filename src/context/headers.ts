/**
 * Trace context in and out of HTTP headers: `traceparent`, `tracestate` and `baggage` (and
 * whatever else `OTEL_PROPAGATORS` names), through the global OpenTelemetry propagator.
 *
 * @since 0.1.0
 */
import { type Context, context, propagation, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import { type HeaderSource, headerValues } from "../propagation/headerValue.js"
import { currentOtelContext } from "./bridge.js"

/** Reads any of the header shapes we accept; a repeated field comes back as all its values. */
export const headerGetter: TextMapGetter<HeaderSource> = {
  get(carrier, key) {
    const values = headerValues(carrier, key.toLowerCase())
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : [...values]
  },
  keys(carrier) {
    const inner = (carrier as { headers?: unknown }).headers
    const headers = (inner ?? carrier) as Headers | Record<string, unknown>
    if (typeof (headers as Headers).keys === "function" && typeof (headers as Headers).get === "function") {
      return [...(headers as Headers).keys()]
    }
    return Object.keys(headers)
  }
}

/** Headers to write into: Fetch `Headers`, or a plain object. */
export type HeaderTarget = Headers | Record<string, string | ReadonlyArray<string> | number | undefined>

const headerSetter: TextMapSetter<HeaderTarget> = {
  set(carrier, key, value) {
    if (typeof (carrier as Headers).set === "function" && typeof (carrier as Headers).get === "function") {
      ;(carrier as Headers).set(key, value)
    } else {
      ;(carrier as Record<string, string>)[key] = value
    }
  }
}

/**
 * The context a request carries: a remote parent from `traceparent` (with its `tracestate`),
 * and its baggage, on top of `base`. Malformed headers are ignored, never thrown.
 *
 * @example
 * ```ts
 * const ctx = extractContext(request)
 * context.with(ctx, () => handle(request))
 * ```
 */
export const extractContext = (source: HeaderSource, base: Context = context.active()): Context =>
  propagation.extract(base, source, headerGetter)

/**
 * Writes the context's trace headers into `target` and returns it.
 *
 * @example
 * ```ts
 * await fetch(url, { headers: injectContext(new Headers()) })
 * ```
 */
export const injectContext = <H extends HeaderTarget>(target: H, from: Context = context.active()): H => {
  propagation.inject(from, target, headerSetter)
  return target
}

/**
 * The trace headers of the current fiber (span, baggage), for an outgoing request.
 *
 * @example
 * ```ts
 * const headers = yield* injectHeaders({})
 * ```
 */
export const injectHeaders = <H extends HeaderTarget>(target: H): Effect.Effect<H> =>
  Effect.map(currentOtelContext, (ctx) => injectContext(target, ctx))
