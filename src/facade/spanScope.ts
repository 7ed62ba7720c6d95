/**
 * Runs a callback with a span active, and ends the span when the callback settles: a thrown
 * error or a rejected promise is recorded on the span, marks it ERROR, and is rethrown
 * unchanged.
 *
 * @since 0.1.0
 */
import { type Context, context, diag, type Span, type SpanOptions, trace, type Tracer } from "@opentelemetry/api"
import { contextStorage } from "../layers/globalRegistration.js"
import { recordFailure } from "../layers/spanFailure.js"

/** Ends the span unless the callback already did (a recording span is one not yet ended). */
const endOpen = (span: Span) => {
  if (span.isRecording()) span.end()
}

/**
 * Starts a span under `parent`, calls `fn(span)` with it active, and ends the span when `fn`
 * returns or its promise settles.
 *
 * @example
 * ```ts
 * await inSpanActive(tracer, "work", {}, context.active(), async () => doWork())
 * ```
 */
export const inSpanActive = <R>(
  tracer: Tracer,
  name: string,
  options: SpanOptions | undefined,
  parent: Context,
  fn: (span: Span) => R,
  hooks: SpanHooks = noHooks
): R => {
  const span = tracer.startSpan(name, options, parent)
  let ran = false
  // `then` is called inside the span's context too: lazy thenables (Prisma's queries) start
  // only when it is called, and must start under the span.
  const run = () => {
    ran = true
    let result: R
    try {
      result = fn(span)
    } catch (error) {
      try {
        failed(span, hooks, error)
      } catch {
        // Out of stack (deep recursion): recorded from a fresh one, and `fn`'s error rethrown.
        try {
          void FRESH_STACK.then(() => span.isRecording() && failed(span, hooks, error)).then(undefined, lateFailure)
        } catch {}
      }
      throw error
    }
    // Inline, like the rest up to the `then`: at the stack's limit (deep recursion) a function
    // call here can overflow, and a promise `fn` returned would then go unobserved (an unhandled
    // rejection ends the process).
    const promise = result as unknown as PromiseLike<unknown> | null
    if (typeof promise !== "object" || promise === null || typeof promise.then !== "function") {
      succeeded(span, hooks, result)
      return result
    }
    try {
      return promise.then(
        (value) => {
          succeeded(span, hooks, value)
          return value
        },
        (error) => {
          failed(span, hooks, error)
          throw error
        }
      ) as R
    } catch {
      // No stack left to follow it here: the caller gets `fn`'s own promise, as from the SDK's
      // `startActiveSpan`, and the span follows it from a fresh stack. Were even that out of
      // reach (here and above), the span would stay open rather than the program fail.
      try {
        void FRESH_STACK.then(() => promise.then((value) => succeeded(span, hooks, value), (error) => failed(span, hooks, error)))
          .then(undefined, lateFailure)
      } catch {}
      return result
    }
  }
  try {
    // Straight into the AsyncLocalStorage: each frame here is one per level of a recursion.
    const active = trace.setSpan(parent, span)
    const storage = contextStorage()
    return storage === undefined ? context.with(active, run) : storage.run(active, run)
  } catch (error) {
    // Out of stack between the span's start and `fn` (deep recursion): the span ends from a
    // fresh stack, and the caller gets the RangeError.
    if (!ran) {
      try {
        void FRESH_STACK.then(() => endOpen(span)).then(undefined, lateFailure)
      } catch {}
    }
    throw error
  }
}

/**
 * A settled promise whose `then` runs a callback on a fresh stack once this one unwinds, with
 * no JavaScript frame on the way (`queueMicrotask` needs several): for work that found the
 * stack exhausted (deep recursion).
 */
const FRESH_STACK = Promise.resolve()

/** Recording that ran late and failed is reported, never an unhandled rejection. */
const lateFailure = (error: unknown) => diag.error("@blipee/tracing: a span's outcome could not be recorded", error)

const failed = (span: Span, hooks: SpanHooks, error: unknown) => {
  hooks.beforeRecord?.(error)
  recordFailure(span, error)
  if (span.isRecording()) hooks.onError?.(span, error)
  endOpen(span)
}

const succeeded = (span: Span, hooks: SpanHooks, value: unknown) => {
  if (span.isRecording()) hooks.onResult?.(span, value)
  endOpen(span)
}

const noHooks: SpanHooks = {}

/** What a caller records from the outcome before the span ends. */
export interface SpanHooks {
  readonly onResult?: ((span: Span, value: unknown) => void) | undefined
  readonly onError?: ((span: Span, error: unknown) => void) | undefined
  /** Called with a failure before it is recorded (to mask what it repeats of the input). */
  readonly beforeRecord?: ((error: unknown) => void) | undefined
}
