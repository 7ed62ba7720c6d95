import { SpanKind } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { keyHashOf, tokenUsage, traceAIChatCompletion, traceMLOperation, traceSemanticCache } from "../../src/entries/ai.js"
import { shutdownTracing } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"

const spans = initTestTracing()
beforeEach(() => spans.reset())
afterAll(() => shutdownTracing())

describe("traceSemanticCache", () => {
  const cache = new Map<string, string>()
  const cacheKey = "what is the weather in lisbon for ana@example.com"

  it("traces a miss, a store and a hit, with the key only as a hash (the seed's example)", async () => {
    const missed = await traceSemanticCache("lookup", cacheKey, async () => cache.get(cacheKey))
    await traceSemanticCache("store", cacheKey, async () => {
      cache.set(cacheKey, "sunny")
    })
    const hit = await traceSemanticCache("lookup", cacheKey, async () => cache.get(cacheKey))
    expect([missed, hit]).toEqual([undefined, "sunny"])
    const [miss, store, found] = spans.all()
    expect(miss!.name).toBe("cache.lookup")
    expect(miss!.attributes).toEqual({ "cache.operation": "lookup", "cache.key_hash": keyHashOf(cacheKey), "cache.hit": false })
    expect(store!.name).toBe("cache.store")
    expect(store!.attributes["cache.hit"]).toBeUndefined()
    expect(found!.attributes["cache.hit"]).toBe(true)
    expect(JSON.stringify(spans.all().map((span) => span.attributes))).not.toContain("lisbon")
  })

  it("records the similarity a semantic lookup reports", async () => {
    await traceSemanticCache("lookup", "q", async () => ({ hit: true, value: "x", similarity: 0.93 }))
    expect(spans.all()[0]!.attributes).toMatchObject({ "cache.hit": true, "cache.similarity": 0.93 })
  })
})

describe("traceMLOperation", () => {
  it("records the options, progress events and results (the seed's example)", async () => {
    const model = await traceMLOperation("train", "energy_prediction", async (progress) => {
      for (let epoch = 1; epoch <= 3; epoch++) progress({ epoch, loss: 1 / epoch })
      return { weights: [0.1, 0.2], metrics: { loss: 0.33, accuracy: 0.91 } }
    }, { datasetSize: 10000, features: 50, epochs: 10, batchSize: 32 })
    expect(model.weights).toEqual([0.1, 0.2])
    const [span] = spans.all()
    expect(span!.name).toBe("ml.train energy_prediction")
    expect(span!.kind).toBe(SpanKind.INTERNAL)
    expect(span!.attributes).toMatchObject({
      "ml.operation": "train",
      "ml.model.name": "energy_prediction",
      "ml.dataset.size": 10000,
      "ml.features": 50,
      "ml.epochs": 10,
      "ml.batch_size": 32,
      "ml.result.loss": 0.33,
      "ml.result.accuracy": 0.91
    })
    expect(span!.events.map((event) => [event.name, event.attributes?.epoch])).toEqual([["ml.progress", 1], ["ml.progress", 2], ["ml.progress", 3]])
  })
})

describe("GenAI client metrics", () => {
  it("records input and output tokens in gen_ai.client.token.usage", async () => {
    const labels = (type: string) => [
      MetricLabel.make("gen_ai.operation.name", "chat"),
      MetricLabel.make("gen_ai.provider.name", "openai"),
      MetricLabel.make("gen_ai.request.model", "metrics-model"),
      MetricLabel.make("gen_ai.response.model", "metrics-model-0613"),
      MetricLabel.make("gen_ai.token.type", type)
    ]
    await traceAIChatCompletion("openai", "metrics-model", async () => ({
      id: "c1", model: "metrics-model-0613", choices: [{ finish_reason: "stop", message: { content: "hi" } }],
      usage: { prompt_tokens: 12, completion_tokens: 7 }
    }))
    const input = await Effect.runPromise(Metric.value(tokenUsage.pipe(Metric.taggedWithLabels(labels("input")))))
    const output = await Effect.runPromise(Metric.value(tokenUsage.pipe(Metric.taggedWithLabels(labels("output")))))
    expect([input.count, input.sum]).toEqual([1, 12])
    expect([output.count, output.sum]).toEqual([1, 7])
  })
})
