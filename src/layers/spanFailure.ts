/**
 * The one way a failure is recorded on a span, on every path (facade callbacks, Effect spans,
 * HTTP client and server spans, AI calls): an `exception` event and the ERROR status with the
 * error's message. `error.type` is the caller's, from `errorType`.
 *
 * @since 0.1.0
 */
import { type Span, SpanStatusCode, type TimeInput } from "@opentelemetry/api"
import * as Cause from "effect/Cause"
import { asText } from "../redaction/asText.js"

/**
 * Records `error` (any thrown value: a non-`Error` is recorded as its text) and marks the span
 * ERROR. A span already ended is left as it is.
 *
 * @example
 * ```ts
 * try { await work() } catch (error) { recordFailure(span, error); throw error }
 * ```
 */
export const recordFailure = (span: Span, error: unknown, time?: TimeInput): void => {
  if (!span.isRecording()) return
  let message: string
  try {
    message = error instanceof Error ? asText(error.message) : asText(error)
    span.recordException(error instanceof Error ? error : message, time)
  } catch (unreadable) {
    // At the stack's limit the caller records again from a fresh stack.
    if (unreadable instanceof RangeError) throw unreadable
    // An error whose properties throw when read: recorded by what can be said of it.
    message = asText(error)
    span.recordException(message, time)
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message })
}

/**
 * Records a fiber's failure: its first error, with the whole cause rendered as the stack (the
 * other errors, the fiber's spans). A cause with no error in it (an interruption) records nothing.
 *
 * @example
 * ```ts
 * if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) recordCause(span, exit.cause)
 * ```
 */
export const recordCause = (span: Span, cause: Cause.Cause<unknown>, time?: TimeInput): void => {
  let error: Error | undefined
  try {
    error = Cause.prettyErrors(cause)[0]
    if (error !== undefined) error.stack = Cause.pretty(cause, { renderErrorCause: true })
  } catch (unreadable) {
    if (unreadable instanceof RangeError) throw unreadable
    // A failure Effect cannot render (its properties throw when read): recorded as it is.
    const failure = Cause.failureOption(cause)
    const defect = Cause.dieOption(cause)
    return recordFailure(span, failure._tag === "Some" ? failure.value : defect._tag === "Some" ? defect.value : unreadable, time)
  }
  if (error !== undefined) recordFailure(span, error, time)
}
