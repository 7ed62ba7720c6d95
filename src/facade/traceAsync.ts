/**
 * `traceAsync`: the seed guide's one-call way to trace an async operation.
 *
 * @since 0.1.0
 */
import type { Attributes, Span } from "@opentelemetry/api"
import { inNewSpan } from "./inNewSpan.js"

/**
 * Runs `fn` inside a span named `name` with `attributes`, child of the active span. The span
 * ends when `fn` settles; a failure is recorded, marks the span ERROR and is rethrown as is.
 *
 * @example
 * ```ts
 * const result = await traceAsync("process_data", async () => complexOperation(), {
 *   userId: "user-123",
 *   operationType: "batch_processing"
 * })
 * ```
 */
export const traceAsync = <T>(
  name: string,
  fn: (span: Span) => T | PromiseLike<T>,
  attributes?: Attributes
): Promise<T> => inNewSpan(name, attributes === undefined ? {} : { attributes }, fn)
