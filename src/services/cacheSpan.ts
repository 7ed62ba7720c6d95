/**
 * The shape of a semantic-cache span, shared by `SemanticCache` (Effect) and
 * `traceSemanticCache` (facade).
 *
 * @since 0.1.0
 */
import type { Attributes } from "@opentelemetry/api"
import * as Duration from "effect/Duration"
import { asText } from "../redaction/asText.js"
import { keyHashOf } from "../redaction/keyHash.js"
import { CACHE_HIT, CACHE_KEY_HASH, CACHE_OPERATION, CACHE_SIMILARITY, CACHE_TTL } from "../semconv.js"

/**
 * Name (`cache.{operation}`) and attributes of a cache span: the key only as a hash, and a
 * store's time to live in seconds.
 *
 * @example
 * ```ts
 * cacheSpanStart("store", "weather in lisbon", "1 hour")
 * // { name: "cache.store", attributes: { "cache.operation": "store", "cache.key_hash": "…", "cache.ttl_seconds": 3600 } }
 * ```
 */
export const cacheSpanStart = (
  operation: string,
  key: string | ReadonlyArray<unknown> | object,
  ttl?: Duration.DurationInput
): { name: string; attributes: Attributes } => {
  const attributes: Attributes = { [CACHE_OPERATION]: asText(operation), [CACHE_KEY_HASH]: keyHashOf(key) }
  const duration = ttl === undefined ? undefined : Duration.decodeUnknown(ttl)
  if (duration !== undefined && duration._tag === "Some") attributes[CACHE_TTL] = Duration.toSeconds(duration.value)
  return { name: `cache.${asText(operation)}`, attributes }
}

/**
 * What a lookup found, from what it returned: `cache.hit` (its `hit`, or a result that is not
 * `null`/`undefined`) and the similarity (`similarity` or `score`) when it has one.
 *
 * @example
 * ```ts
 * cacheLookupAttributes({ hit: true, value: "sunny", similarity: 0.97 })
 * // { "cache.hit": true, "cache.similarity": 0.97 }
 * ```
 */
export const cacheLookupAttributes = (result: unknown): Attributes => {
  if (result === undefined || result === null) return { [CACHE_HIT]: false }
  const r = result as { hit?: unknown; similarity?: unknown; score?: unknown }
  const similarity = typeof r.similarity === "number" ? r.similarity : typeof r.score === "number" ? r.score : undefined
  return { [CACHE_HIT]: typeof r.hit === "boolean" ? r.hit : true, ...(similarity === undefined ? {} : { [CACHE_SIMILARITY]: similarity }) }
}
