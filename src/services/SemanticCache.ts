/**
 * `SemanticCache`: answers looked up by meaning, not by exact text. Every lookup and store is
 * a span (`cache.lookup` with `cache.hit` and the similarity, `cache.store`), the key recorded
 * only as a hash. An in-memory implementation (cosine similarity over embeddings from a function
 * you give) serves the demo and tests; `withSemanticCache` puts one in front of an `AiClient`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { AiClientService, AiError, ChatRequest, ChatResponse } from "./AiClient.js"
import { cacheOperationSpan } from "./cacheSpan.js"
import { withOperationSpan } from "./operationSpan.js"

export interface CacheLookup {
  readonly hit: boolean
  readonly value: string | undefined
  /** How close the stored key was (1 = the same meaning), when the cache measures it. */
  readonly similarity?: number | undefined
}

export interface SemanticCacheService {
  readonly lookup: (key: string) => Effect.Effect<CacheLookup>
  readonly store: (key: string, value: string, ttl?: Duration.DurationInput) => Effect.Effect<void>
}

export class SemanticCache extends Context.Tag("@blipee/tracing/SemanticCache")<SemanticCache, SemanticCacheService>() {}

/**
 * Any implementation, traced.
 *
 * @example
 * ```ts
 * Layer.succeed(SemanticCache, tracedCache(myRedisCache))
 * ```
 */
export const tracedCache = (cache: SemanticCacheService): SemanticCacheService => ({
  lookup: (key) => cache.lookup(key).pipe(withOperationSpan(cacheOperationSpan("lookup", key))),
  store: (key, value, ttl) => cache.store(key, value, ttl).pipe(withOperationSpan(cacheOperationSpan("store", key, ttl)))
})

/** Turns text into a vector; any embedding model will do. */
export type Embed = (text: string) => Effect.Effect<ReadonlyArray<number>> | ReadonlyArray<number>

const cosine = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}

/**
 * A small embedding that needs no model: word counts hashed into `dimensions` buckets. Texts
 * with the same words score 1; it catches rephrasings that reorder or repeat words, not synonyms.
 *
 * @example
 * ```ts
 * layerMemory({ embed: hashingEmbedding() })
 * ```
 */
export const hashingEmbedding = (dimensions = 256): Embed => (text) => {
  const vector = new Array<number>(dimensions).fill(0)
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word === "") continue
    let hash = 2166136261
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619)
    vector[(hash >>> 0) % dimensions]! += 1
  }
  return vector
}

export interface MemoryCacheOptions {
  readonly embed: Embed
  /** The least similarity that counts as a hit. Default 0.95. */
  readonly threshold?: number | undefined
  /** The most entries kept; the oldest go first. Default 1000. */
  readonly maxEntries?: number | undefined
  /** Default 1 hour. */
  readonly defaultTtl?: Duration.DurationInput | undefined
}

/**
 * An in-memory semantic cache (traced).
 *
 * @example
 * ```ts
 * const cache = yield* makeMemoryCache({ embed: hashingEmbedding(), threshold: 0.9 })
 * ```
 */
export const makeMemoryCache = (options: MemoryCacheOptions): SemanticCacheService => {
  const entries: Array<{ vector: ReadonlyArray<number>; value: string; expiresAt: number }> = []
  const threshold = options.threshold ?? 0.95
  const maxEntries = options.maxEntries ?? 1000
  const embed = (text: string) => {
    const vector = options.embed(text)
    return Effect.isEffect(vector) ? vector : Effect.succeed(vector)
  }
  return tracedCache({
    lookup: (key) =>
      Effect.map(embed(key), (vector) => {
        const now = Date.now()
        let best: { value: string; similarity: number } | undefined
        for (const entry of entries) {
          if (entry.expiresAt <= now) continue
          const similarity = cosine(vector, entry.vector)
          if (similarity >= threshold && (best === undefined || similarity > best.similarity)) best = { value: entry.value, similarity }
        }
        return best === undefined ? { hit: false, value: undefined } : { hit: true, ...best }
      }),
    store: (key, value, ttl) =>
      Effect.map(embed(key), (vector) => {
        const lifetime = Duration.toMillis(Duration.decode(ttl ?? options.defaultTtl ?? "1 hour"))
        entries.push({ vector, value, expiresAt: Date.now() + lifetime })
        if (entries.length > maxEntries) entries.splice(0, entries.length - maxEntries)
      })
  })
}

/** The in-memory cache as a layer. */
export const layerMemory = (options: MemoryCacheOptions): Layer.Layer<SemanticCache> =>
  Layer.sync(SemanticCache, () => makeMemoryCache(options))

/** What a request is looked up by: its model and its messages. */
const cacheKeyOf = (request: ChatRequest) => `${request.model}\n${request.messages.map((m) => `${m.role}: ${m.content}`).join("\n")}`

/**
 * An `AiClient` that asks the cache first: a hit answers without calling the provider (the trace
 * shows a `cache.lookup` with `cache.hit=true` and no chat span); a miss calls the provider and
 * stores the answer.
 *
 * @example
 * ```ts
 * const ai = withSemanticCache(yield* SemanticCache)(yield* AiClient)
 * ```
 */
export const withSemanticCache = (cache: SemanticCacheService, ttl?: Duration.DurationInput) => (ai: AiClientService): AiClientService => ({
  ...ai,
  chatCompletion: (request) => {
    const key = cacheKeyOf(request)
    return Effect.flatMap(cache.lookup(key), (found): Effect.Effect<ChatResponse, AiError> =>
      found.hit && found.value !== undefined
        ? Effect.succeed({
          id: undefined,
          model: request.model,
          content: found.value,
          finishReasons: ["cache_hit"],
          usage: { inputTokens: 0, outputTokens: 0 }
        })
        : Effect.tap(ai.chatCompletion(request), (answer) => cache.store(key, answer.content, ttl)))
  }
})
