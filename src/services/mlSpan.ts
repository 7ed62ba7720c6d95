/**
 * Spans of ML operations (train, predict, evaluate): `ml.{operation} {model}` with the options
 * as `ml.*` attributes, progress as `ml.progress` events, and numeric results as `ml.result.*`.
 * Shared by `traceMLOperation` (facade) and `mlOperation` (Effect).
 *
 * @since 0.1.0
 */
import type { Attributes } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import { asText } from "../redaction/asText.js"
import { ML_MODEL_NAME, ML_OPERATION, ML_PREFIX, TENANT_ID, USER_ID } from "../semconv.js"
import { type OperationSpan, withOperationSpan } from "./operationSpan.js"

/** `datasetSize` → `ml.dataset.size`, `batchSize` → `ml.batch_size`. */
const attributeName = (key: string): string =>
  key === "datasetSize" ? `${ML_PREFIX}.dataset.size` : `${ML_PREFIX}.${key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()}`

const scalars = (values: Readonly<Record<string, unknown>>) =>
  Object.entries(values).filter((entry): entry is [string, number | string | boolean] =>
    typeof entry[1] === "number" || typeof entry[1] === "string" || typeof entry[1] === "boolean"
  )

/**
 * @example
 * ```ts
 * mlOperationSpan("train", "energy_prediction", { datasetSize: 10000, epochs: 10 })
 * // { name: "ml.train energy_prediction", kind: "internal", attributes: { "ml.operation": "train", "ml.dataset.size": 10000, ... }, ... }
 * ```
 */
export const mlOperationSpan = (operation: string, model: string, options: Readonly<Record<string, unknown>>): OperationSpan => {
  const { userId, organizationId, ...rest } = typeof options === "object" && options !== null ? options : {}
  const attributes: Attributes = { [ML_OPERATION]: asText(operation), [ML_MODEL_NAME]: asText(model) }
  for (const [key, value] of scalars(rest)) attributes[attributeName(key)] = value
  if (typeof userId === "string") attributes[USER_ID] = userId
  if (typeof organizationId === "string") attributes[TENANT_ID] = organizationId
  return { name: `ml.${asText(operation)} ${asText(model)}`, kind: "internal", attributes, onResult: resultAttributes }
}

/** The numbers an operation returned (`loss`, `accuracy`, ... or under `metrics`) as `ml.result.*`. */
const resultAttributes = (result: unknown): Attributes => {
  if (typeof result !== "object" || result === null) return {}
  const values = (result as { metrics?: unknown }).metrics ?? result
  if (typeof values !== "object" || values === null) return {}
  return Object.fromEntries(scalars(values as Record<string, unknown>)
    .filter(([, value]) => typeof value === "number")
    .map(([key, value]) => [`${ML_PREFIX}.result.${key}`, value]))
}

/** The name of a progress event. */
export const ML_PROGRESS = "ml.progress"

/**
 * Runs an Effect as an ML operation's span.
 *
 * @example
 * ```ts
 * train(data).pipe(mlOperation("train", "energy_prediction", { datasetSize: data.length, epochs: 10 }))
 * ```
 */
export const mlOperation = (operation: string, model: string, options: Readonly<Record<string, unknown>> = {}) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  withOperationSpan(mlOperationSpan(operation, model, options))(effect)

/**
 * An `ml.progress` event on the current ML operation's span.
 *
 * @example
 * ```ts
 * yield* reportProgress({ epoch, loss })
 * ```
 */
export const reportProgress = (progress: Readonly<Record<string, number | string | boolean>>): Effect.Effect<void> =>
  Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeNanos), (now) =>
    Effect.orElse(Effect.map(Effect.currentSpan, (span) => span.event(ML_PROGRESS, now, progress)), () => Effect.void))
