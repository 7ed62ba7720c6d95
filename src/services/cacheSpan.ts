/**
 * The span of a semantic-cache call, for both faces (`SemanticCache`, `traceSemanticCache`).
 *
 * @since 0.1.0
 */
import type { Attributes } from "@opentelemetry/api"
import * as Duration from "effect/Duration"
import { asText } from "../redaction/asText.js"
import { keyHashOf } from "../redaction/keyHash.js"
import { CACHE_HIT, CACHE_KEY_HASH, CACHE_OPERATION, CACHE_SIMILARITY, CACHE_TTL } from "../semconv.js"
import type { OperationSpan } from "./operationSpan.js"

/**
 * An INTERNAL span `cache.{operation}`: the key only as a hash, a store's time to live in
 * seconds, and what a lookup found.
 *
 * @example
 * ```ts
 * cacheOperationSpan("store", "weather in lisbon", "1 hour")
 * // { name: "cache.store", kind: "internal", attributes: { "cache.operation": "store", "cache.key_hash": "…", "cache.ttl_seconds": 3600 } }
 * ```
 */
export const cacheOperationSpan = (
  operation: string,
  key: string | ReadonlyArray<unknown> | object,
  ttl?: Duration.DurationInput
): OperationSpan => {
  const attributes: Attributes = { [CACHE_OPERATION]: asText(operation), [CACHE_KEY_HASH]: keyHashOf(key) }
  const duration = ttl === undefined ? undefined : Duration.decodeUnknown(ttl)
  if (duration !== undefined && duration._tag === "Some") attributes[CACHE_TTL] = Duration.toSeconds(duration.value)
  return {
    name: `cache.${asText(operation)}`,
    kind: "internal",
    attributes,
    ...(operation === "lookup" ? { onResult: lookupAttributes } : {})
  }
}

/**
 * What a lookup found, from what it returned: `cache.hit` (its `hit`, or a result that is not
 * `null`/`undefined`) and the similarity (`similarity` or `score`) when it has one.
 */
const lookupAttributes = (result: unknown): Attributes => {
  if (result === undefined || result === null) return { [CACHE_HIT]: false }
  const r = result as { hit?: unknown; similarity?: unknown; score?: unknown }
  const similarity = typeof r.similarity === "number" ? r.similarity : typeof r.score === "number" ? r.score : undefined
  return { [CACHE_HIT]: typeof r.hit === "boolean" ? r.hit : true, ...(similarity === undefined ? {} : { [CACHE_SIMILARITY]: similarity }) }
}
