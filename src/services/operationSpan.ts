/**
 * One operation's span, described once for both faces: its name, kind and starting
 * attributes, and what its result, its failure and (in Effect) its interruption add. The
 * facade runs it around a callback (`inOperationSpan`), the Effect services around an effect
 * (`withOperationSpan`); the exception, ERROR status and span end are the faces' common
 * recording (`recordFailure` / Effect's tracer).
 *
 * @since 0.1.0
 */
import { type Attributes, diag } from "@opentelemetry/api"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import { readable } from "./readable.js"

export interface OperationSpan {
  readonly name: string
  readonly kind: "client" | "internal"
  readonly attributes: Attributes
  /** What the operation's result adds. */
  readonly onResult?: ((result: unknown) => Attributes) | undefined
  /** What its failure adds (the error as the caller's library raised it). */
  readonly onFailure?: ((error: unknown) => Attributes) | undefined
  /** What an interruption adds (Effect only: a callback cannot be interrupted). */
  readonly onInterrupt?: (() => Attributes) | undefined
}

let unreadableWarned = false

/**
 * What a hook adds from a value, or nothing when the value cannot be read (a proxy, a getter
 * that throws): what the operation returned or raised stays the caller's, untouched. Said once
 * per process through `diag`.
 *
 * @example
 * ```ts
 * span.setAttributes(outcomeAttributes(operation.onResult, result))
 * ```
 */
export const outcomeAttributes = <A>(hook: ((value: A) => Attributes) | undefined, value: A): Attributes | undefined =>
  hook === undefined ? undefined : readable(() => hook(value), undefined, warnUnreadableOnce)

const warnUnreadableOnce = (error: unknown) => {
  if (unreadableWarned) return
  unreadableWarned = true
  diag.warn(`@blipee/tracing: an operation's result or error could not be read for its span (${String(error)}); recorded without it`)
}

/**
 * Runs `effect` as the operation's span. `underlying` gives the error `onFailure` reads from
 * the effect's typed failure (a `DbError` wraps the driver's), so both faces read the same one.
 *
 * @example
 * ```ts
 * train(data).pipe(withOperationSpan(mlOperationSpan("train", "energy_prediction", { epochs: 10 })))
 * ```
 */
export const withOperationSpan = <Failure = unknown>(
  operation: OperationSpan,
  underlying: (error: Failure) => unknown = identity
) =>
<A, E extends Failure, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const settled = (exit: Exit.Exit<A, E>): Attributes | undefined => {
    if (Exit.isSuccess(exit)) return outcomeAttributes(operation.onResult, exit.value)
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure)) return outcomeAttributes((error: E) => operation.onFailure?.(underlying(error)) ?? {}, failure.value)
    const defect = Cause.dieOption(exit.cause)
    if (Option.isSome(defect)) return outcomeAttributes(operation.onFailure, defect.value)
    return outcomeAttributes(operation.onInterrupt, undefined)
  }
  const spanOptions = { kind: operation.kind, attributes: operation.attributes, captureStackTrace: false } as const
  const observed = operation.onResult === undefined && operation.onFailure === undefined && operation.onInterrupt === undefined
    ? effect
    : Effect.onExit(effect, (exit) => {
      const added = settled(exit)
      return added === undefined ? Effect.void : Effect.annotateCurrentSpan(added)
    })
  return Effect.withSpan(observed, operation.name, spanOptions)
}
