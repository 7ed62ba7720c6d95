/**
 * The facade's `tracer`: the OpenTelemetry `Tracer` interface, with `startActiveSpan` ending
 * the span when its callback settles (the seed guide's example never calls `span.end()`).
 *
 * @since 0.1.0
 */
import { type Context, context, type Span, type SpanOptions, type Tracer } from "@opentelemetry/api"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { inSpanActive } from "./spanScope.js"

function startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>
function startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>
function startActiveSpan<F extends (span: Span) => unknown>(
  name: string,
  options: SpanOptions,
  ctx: Context,
  fn: F
): ReturnType<F>
function startActiveSpan(name: string, ...args: Array<unknown>): unknown {
  const fn = args[args.length - 1] as (span: Span) => unknown
  const options = args.length >= 2 ? args[0] as SpanOptions : undefined
  const parent = args.length >= 3 ? args[1] as Context : context.active()
  ensureTracing()
  return inSpanActive(facadeTracer, name, options, parent, fn)
}

/**
 * Starts spans in the active tracing set-up (started from the environment on first use).
 *
 * @example
 * ```ts
 * await tracer.startActiveSpan("custom_operation", async (span) => {
 *   span.setAttribute("custom.attribute", "value")
 *   span.addEvent("milestone_reached", { progress: 50 })
 * })
 *
 * const span = tracer.startSpan("manual_operation", { kind: SpanKind.INTERNAL })
 * span.end()
 * ```
 */
export const tracer: Tracer = {
  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    ensureTracing()
    return facadeTracer.startSpan(name, options, ctx)
  },
  startActiveSpan
}
