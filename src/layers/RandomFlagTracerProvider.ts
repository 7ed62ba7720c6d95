/**
 * Tracers that note, for each span they start, whether its trace id is random (W3C Trace
 * Context Level 2), for the propagator to send the flag only when it is true.
 *
 * @since 0.1.0
 */
import { type Context, context, type Span, type SpanOptions, type TracerOptions, type TracerProvider } from "@opentelemetry/api"
import { noteRandomFlag } from "../propagation/randomFlag.js"
import { WrappingTracer } from "./WrappingTracer.js"

class RandomFlagTracer extends WrappingTracer {
  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const span = this.tracer.startSpan(name, options, ctx)
    noteRandomFlag(span, ctx, options)
    return span
  }
}

/**
 * @example
 * ```ts
 * register({ provider: randomFlagTracerProvider(provider), propagator })
 * ```
 */
export const randomFlagTracerProvider = (provider: TracerProvider): TracerProvider => ({
  getTracer: (name: string, version?: string, options?: TracerOptions) =>
    new RandomFlagTracer(provider.getTracer(name, version, options))
})
