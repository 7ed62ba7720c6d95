/**
 * The shape most facade functions share: start tracing if needed, open a span under the active
 * one, run the callback in it, end the span when the callback settles.
 *
 * @since 0.1.0
 */
import { context, INVALID_SPAN_CONTEXT, type Span, SpanKind, type SpanOptions, trace } from "@opentelemetry/api"
import { activeRegistration } from "../layers/globalRegistration.js"
import { asText } from "../redaction/asText.js"
import { type OperationSpan, outcomeAttributes } from "../services/operationSpan.js"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { inSpanActive, type SpanHooks } from "./spanScope.js"

/**
 * Always a promise, and no more of them than needed: each promise costs more while an
 * AsyncLocalStorage context manager is enabled. With tracing off, `fn` runs as it is.
 *
 * @example
 * ```ts
 * return inNewSpan("cache.lookup", { kind: SpanKind.INTERNAL, attributes }, fn, { onResult })
 * ```
 */
export const inNewSpan = <T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => T | PromiseLike<T>,
  hooks: SpanHooks = {}
): Promise<T> => {
  ensureTracing()
  try {
    if (activeRegistration() === undefined) return Promise.resolve(fn(INVALID_SPAN))
    const parent = context.active()
    // Untyped callers: a name that is not text, attributes that are not an object.
    const valid = typeof options.attributes === "object" && options.attributes !== null
    const spanOptions = valid || options.attributes === undefined ? options : withoutAttributes(options)
    return Promise.resolve(inSpanActive(facadeTracer, asText(name), spanOptions, parent, fn, hooks))
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * Runs `fn` as the operation's span, the facade's side of `withOperationSpan`. `beforeRecord`
 * sees a failure before anything records it (to mask what it repeats).
 *
 * @example
 * ```ts
 * return inOperationSpan(cacheOperationSpan("lookup", key), fn)
 * ```
 */
export const inOperationSpan = <T>(
  operation: OperationSpan,
  fn: (span: Span) => T | PromiseLike<T>,
  beforeRecord?: (error: unknown) => void
): Promise<T> => {
  const { onFailure, onResult } = operation
  return inNewSpan(operation.name, { kind: operation.kind === "client" ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: operation.attributes }, fn, {
    ...(onResult === undefined ? {} : { onResult: (span: Span, value: unknown) => span.setAttributes(outcomeAttributes(onResult, value) ?? {}) }),
    ...(onFailure === undefined ? {} : { onError: (span: Span, error: unknown) => span.setAttributes(outcomeAttributes(onFailure, error) ?? {}) }),
    ...(beforeRecord === undefined ? {} : { beforeRecord })
  })
}

const withoutAttributes = ({ attributes: _, ...rest }: SpanOptions): SpanOptions => rest

/** The span handed to callbacks while tracing is off: records nothing. */
const INVALID_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT)
