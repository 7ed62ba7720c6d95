import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll } from "vitest"
import { hashingEmbedding, layerMemoryCache, mlOperation, reportProgress, SemanticCache, withSemanticCache } from "../../src/entries/ai.js"
import { AiClient, TracedHttpClient } from "../../src/index.js"
import { layerTest, TestSpans } from "../../src/entries/testing.js"
import { type AiStandIn, startAiStandIn } from "../../scripts/aiStandIn.js"

let server: AiStandIn
beforeAll(async () => {
  server = await startAiStandIn()
})
afterAll(() => server.close())

const Live = () =>
  Layer.mergeAll(
    AiClient.layer({ provider: "openai", baseUrl: `${server.url}/v1`, apiKey: "sk-test" }).pipe(Layer.provide(TracedHttpClient.layerFetch())),
    layerMemoryCache({ embed: hashingEmbedding(), threshold: 0.9 })
  ).pipe(Layer.provideMerge(layerTest()))

describe("the in-memory semantic cache", () => {
  it.effect("finds a stored answer by meaning, and says how close it was", () =>
    Effect.gen(function*() {
      const cache = yield* SemanticCache
      yield* cache.store("what is the weather in lisbon today", "sunny", "1 minute")
      const close = yield* cache.lookup("Today: what is the weather in Lisbon?")
      const far = yield* cache.lookup("how do I reset my password")
      expect(close).toMatchObject({ hit: true, value: "sunny" })
      expect(close.similarity).toBeGreaterThan(0.9)
      expect(far).toEqual({ hit: false, value: undefined })
      const [store, hit, miss] = yield* (yield* TestSpans).all
      expect(store!.name).toBe("cache.store")
      expect(store!.attributes["cache.ttl_seconds"]).toBe(60)
      expect(hit!.attributes).toMatchObject({ "cache.operation": "lookup", "cache.hit": true })
      expect(miss!.attributes["cache.hit"]).toBe(false)
      expect(JSON.stringify([store, hit, miss].map((s) => s!.attributes))).not.toContain("lisbon")
    }).pipe(Effect.provide(Live())))
})

describe("withSemanticCache", () => {
  it.live("answers a repeated question from the cache, without calling the provider", () =>
    Effect.gen(function*() {
      const ai = withSemanticCache(yield* SemanticCache)(yield* AiClient)
      const question = { model: "gpt-4o", messages: [{ role: "user" as const, content: "Is it raining in Porto?" }] }
      const before = server.requests.length
      const first = yield* ai.chatCompletion(question).pipe(Effect.withSpan("first question"))
      const second = yield* ai.chatCompletion(question).pipe(Effect.withSpan("second question"))
      expect(second.content).toBe(first.content)
      expect(second.finishReasons).toEqual(["cache_hit"])
      expect(server.requests.length - before).toBe(1)
      const spans = yield* (yield* TestSpans).tree
      const names = (root: string) => {
        const node = spans.find((n) => n.span.name === root)!
        return node.children.map((child) => [child.span.name, child.span.attributes["cache.hit"]])
      }
      expect(names("first question")).toEqual([["cache.lookup", false], ["chat gpt-4o", undefined], ["cache.store", undefined]])
      expect(names("second question")).toEqual([["cache.lookup", true]])
    }).pipe(Effect.provide(Live())))
})

describe("mlOperation (Effect)", () => {
  it.effect("records options, progress events and results", () =>
    Effect.gen(function*() {
      const trained = yield* Effect.gen(function*() {
        for (let epoch = 1; epoch <= 2; epoch++) yield* reportProgress({ epoch })
        return { metrics: { loss: 0.2 } }
      }).pipe(mlOperation("train", "churn", { datasetSize: 500, epochs: 2 }))
      expect(trained.metrics.loss).toBe(0.2)
      const [span] = yield* (yield* TestSpans).all
      expect(span!.name).toBe("ml.train churn")
      expect(span!.attributes).toMatchObject({ "ml.dataset.size": 500, "ml.epochs": 2, "ml.result.loss": 0.2 })
      expect(span!.events.map((event) => event.name)).toEqual(["ml.progress", "ml.progress"])
    }).pipe(Effect.provide(layerTest())))
})
