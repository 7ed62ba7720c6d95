/**
 * The global propagator that `OTEL_PROPAGATORS` names.
 *
 * @since 0.1.0
 */
import type { TextMapPropagator } from "@opentelemetry/api"
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core"
import type { TracingSettings } from "../config.js"

const propagatorsByName = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator()
} as const

/**
 * A composite of the named propagators, in the order given.
 *
 * @example
 * ```ts
 * makePropagator(["tracecontext", "baggage"]).inject(context.active(), headers, defaultTextMapSetter)
 * ```
 */
export const makePropagator = (names: TracingSettings["propagators"]): TextMapPropagator =>
  new CompositePropagator({ propagators: names.map((name) => propagatorsByName[name]()) })
