/**
 * The shape most facade functions share: start tracing if needed, open a span under the active
 * one, run the callback in it, end the span when the callback settles.
 *
 * @since 0.1.0
 */
import { context, type Span, type SpanOptions } from "@opentelemetry/api"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { type SpanHooks, withSpanActive } from "./spanScope.js"

/**
 * @example
 * ```ts
 * return inNewSpan("cache.lookup", { kind: SpanKind.INTERNAL, attributes }, fn, { onResult })
 * ```
 */
export const inNewSpan = async <T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => T | PromiseLike<T>,
  hooks: SpanHooks = {}
): Promise<T> => {
  ensureTracing()
  const parent = context.active()
  return withSpanActive(facadeTracer.startSpan(name, options, parent), parent, fn, hooks)
}
