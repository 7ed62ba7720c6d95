import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { afterAll, beforeAll } from "vitest"
import { AiClient, Baggage, TracedHttpClient } from "../../src/index.js"
import { layerTest, TestSpans } from "../../src/entries/testing.js"
import type { AiClientOptions } from "../../src/entries/ai.js"
import { type AiStandIn, startAiStandIn } from "../../scripts/aiStandIn.js"

let server: AiStandIn
beforeAll(async () => {
  server = await startAiStandIn()
})
afterAll(() => server.close())

const layerFor = (provider: "openai" | "anthropic", extra: Partial<AiClientOptions> = {}) =>
  AiClient.layer({
    provider,
    baseUrl: provider === "openai" ? `${server.url}/v1` : server.url,
    apiKey: "sk-test-key-abcdefghijklmnopqrstuv",
    ...extra
  }).pipe(Layer.provideMerge(TracedHttpClient.layerFetch()), Layer.provideMerge(layerTest()))

const messages = [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "Weather in Lisbon?" }]

const spansOf = Effect.gen(function*() {
  const all = yield* (yield* TestSpans).all
  const chat = all.filter((span) => span.name.startsWith("chat "))
  const http = all.filter((span) => span.kind === SpanKind.CLIENT && !span.name.startsWith("chat "))
  return { all, chat, http }
})

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

describe("AiClient (OpenAI-compatible)", () => {
  it.live("makes a chat span with the GenAI attributes, its HTTP request as a child", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      const answer = yield* ai.chatCompletion({ model: "gpt-4o", messages, maxTokens: 50, temperature: 0.2, topP: 0.9, userId: "user-1" })
      expect(answer.content).toBe("Echo: Weather in Lisbon?")
      const { chat, http } = yield* spansOf
      const [span] = chat
      expect(span!.name).toBe("chat gpt-4o")
      expect(span!.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.request.max_tokens": 50,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.stream": false,
        "gen_ai.response.model": "gpt-4o",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": answer.usage.inputTokens,
        "gen_ai.usage.output_tokens": answer.usage.outputTokens,
        "server.address": "127.0.0.1",
        "user.id": "user-1"
      })
      expect(http).toHaveLength(1)
      expect(parentOf(http[0]!)).toBe(span!.spanContext().spanId)
      expect(server.requests.at(-1)!.headers.authorization).toBe("Bearer sk-test-key-abcdefghijklmnopqrstuv")
      const everything = JSON.stringify((yield* spansOf).all.map((s) => s.attributes))
      expect(everything).not.toContain("sk-test-key")
      expect(everything).not.toContain("Lisbon")
    }).pipe(Effect.provide(layerFor("openai"))))

  it.live("sends the trace context but no baggage to the provider, unless asked", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      const sent = () => server.requests[server.requests.length - 1]!.headers
      yield* ai.chatCompletion({ model: "gpt-4o", messages })
      expect(sent().traceparent).toMatch(/^00-/)
      expect(sent().baggage).toBeUndefined()
      yield* ai.chatCompletion({ model: "gpt-4o", messages, sendBaggage: true })
      expect(sent().baggage).toBe("user.id=user-123")
    }).pipe(Baggage.withBaggage({ "user.id": "user-123" }), Effect.provide(layerFor("openai"))))

  it.live("streams deltas under one span that covers the whole stream, with usage and time to first chunk", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      const deltas = yield* Stream.runCollect(ai.streamChatCompletion({ model: "gpt-4o-slow", messages }))
      const text = [...deltas].map((d) => d.content).join("")
      expect(text).toBe("Echo: Weather in Lisbon?")
      expect([...deltas].at(-1)!.finishReason).toBe("stop")
      expect(server.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true })
      const { chat, http } = yield* spansOf
      expect(chat[0]!.attributes).toMatchObject({ "gen_ai.request.stream": true, "gen_ai.response.finish_reasons": ["stop"] })
      expect(chat[0]!.attributes["gen_ai.usage.output_tokens"]).toBe(4)
      expect(chat[0]!.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThanOrEqual(0.25)
      expect(parentOf(http[0]!)).toBe(chat[0]!.spanContext().spanId)
    }).pipe(Effect.provide(layerFor("openai"))))

  it.live("ends the span of an abandoned stream", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      yield* Stream.runCollect(ai.streamChatCompletion({ model: "gpt-4o", messages }).pipe(Stream.take(1)))
      const { chat } = yield* spansOf
      expect(chat).toHaveLength(1)
      expect(chat[0]!.ended).toBe(true)
    }).pipe(Effect.provide(layerFor("openai"))))

  it.live("fails a 429 as AiRateLimited with its retry-after, and a 500 as AiProviderUnavailable", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      const limited = yield* Effect.either(ai.chatCompletion({ model: "gpt-4o-rate-limited", messages }))
      expect(Either.isLeft(limited) && limited.left._tag).toBe("AiRateLimited")
      expect(Either.isLeft(limited) && limited.left._tag === "AiRateLimited" && limited.left.retryAfter && Duration.toMillis(limited.left.retryAfter)).toBe(1000)
      const broken = yield* Effect.either(ai.chatCompletion({ model: "gpt-4o-broken", messages }))
      expect(Either.isLeft(broken) && broken.left._tag).toBe("AiProviderUnavailable")
      const { chat } = yield* spansOf
      expect(chat.map((span) => [span.status.code, span.attributes["error.type"]])).toEqual([
        [SpanStatusCode.ERROR, "429"],
        [SpanStatusCode.ERROR, "500"]
      ])
    }).pipe(Effect.provide(layerFor("openai"))))

  it.live("fails a slow answer as AiTimeout", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      const result = yield* Effect.either(ai.chatCompletion({ model: "gpt-4o-slow", messages }))
      expect(Either.isLeft(result) && result.left._tag).toBe("AiTimeout")
      expect((yield* spansOf).chat[0]!.attributes["error.type"]).toBe("AiTimeout")
    }).pipe(Effect.provide(layerFor("openai", { timeout: "100 millis" }))))

  it.live("records content only when asked", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      yield* ai.chatCompletion({ model: "gpt-4o", messages, captureContent: true })
      const [span] = (yield* spansOf).chat
      expect(span!.attributes["gen_ai.input.messages"]).toContain("Weather in Lisbon?")
      expect(span!.attributes["gen_ai.output.messages"]).toContain("Echo: Weather in Lisbon?")
    }).pipe(Effect.provide(layerFor("openai"))))
})

describe("AiClient (Anthropic Messages)", () => {
  it.live("speaks the Messages API, plain and streamed", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      const answer = yield* ai.chatCompletion({ model: "claude-3-5-sonnet", messages, maxTokens: 100 })
      expect(answer.content).toBe("Echo: Weather in Lisbon?")
      const sent = server.requests.at(-1)!
      expect(sent.path).toBe("/v1/messages")
      expect(sent.body.system).toBe("Be brief.")
      expect(sent.headers["x-api-key"]).toBe("sk-test-key-abcdefghijklmnopqrstuv")
      const streamed = yield* Stream.runCollect(ai.streamChatCompletion({ model: "claude-3-5-sonnet", messages }))
      expect([...streamed].map((d) => d.content).join("")).toBe("Echo: Weather in Lisbon?")
      const { chat } = yield* spansOf
      for (const span of chat) {
        expect(span.attributes).toMatchObject({ "gen_ai.provider.name": "anthropic", "gen_ai.response.finish_reasons": ["end_turn"] })
        expect(span.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0)
        expect(span.attributes["gen_ai.usage.output_tokens"]).toBe(4)
      }
    }).pipe(Effect.provide(layerFor("anthropic"))))
})

describe("AiClient settings", () => {
  it.live("estimates the cost from the price table and records content when the layer says so", () =>
    Effect.gen(function*() {
      const ai = yield* AiClient
      const answer = yield* ai.chatCompletion({ model: "gpt-4o", messages })
      const [span] = (yield* spansOf).chat
      const expected = (answer.usage.inputTokens! * 2.5 + answer.usage.outputTokens! * 10) / 1_000_000
      expect(span!.attributes["gen_ai.usage.cost_usd"]).toBeCloseTo(expected, 12)
      expect(span!.attributes["gen_ai.input.messages"]).toContain("Weather in Lisbon?")
    }).pipe(Effect.provide(
      AiClient.layer({ provider: "openai", baseUrl: `${server.url}/v1`, apiKey: "sk-test" }).pipe(
        Layer.provideMerge(TracedHttpClient.layerFetch()),
        Layer.provideMerge(layerTest({ ai: { captureContent: true, prices: { "gpt-4o": { input: 2.5, output: 10 } } } }))
      )
    )))

  it.effect("reads its key and base URL from the environment, and names a missing key", () =>
    Effect.gen(function*() {
      const { ConfigProvider } = yield* Effect.promise(() => import("effect"))
      const missing = yield* Effect.either(Effect.provide(AiClient, AiClient.layerConfig("anthropic").pipe(
        Layer.provide(TracedHttpClient.layerFetch()),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))
      )))
      expect(Either.isLeft(missing) && String(missing.left)).toContain("ANTHROPIC_API_KEY")
      const configured = yield* Effect.either(Effect.provide(AiClient, AiClient.layerConfig("openai").pipe(
        Layer.provide(TracedHttpClient.layerFetch()),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["OPENAI_API_KEY", "sk-env"], ["OPENAI_BASE_URL", `${server.url}/v1`]]))))
      )))
      expect(Either.isRight(configured)).toBe(true)
    }))
})
