import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import OpenAI from "openai"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { traceAIChatCompletion } from "../../src/entries/ai.js"
import { shutdownTracing } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { type AiStandIn, startAiStandIn } from "../../scripts/aiStandIn.js"

const spans = initTestTracing()
let ai: AiStandIn
let openai: OpenAI
beforeAll(async () => {
  ai = await startAiStandIn()
  openai = new OpenAI({ baseURL: `${ai.url}/v1`, apiKey: "sk-test-abcdefghijklmnopqrstuvwx", maxRetries: 0, timeout: 2_000 })
})
beforeEach(() => spans.reset())
afterAll(async () => {
  await shutdownTracing()
  await ai.close()
})

const messages = [{ role: "user" as const, content: "What is the weather in Lisbon? My email is ana@example.com" }]
const chatSpan = () => {
  const found = spans.all().filter((span) => span.name.startsWith("chat "))
  expect(found).toHaveLength(1)
  return found[0]!
}

describe("traceAIChatCompletion with the official openai client", () => {
  it("records the GenAI attributes of a plain completion (the seed's example)", async () => {
    const response = await traceAIChatCompletion("openai", "gpt-4", async () => {
      return await openai.chat.completions.create({ model: "gpt-4", messages, max_tokens: 1000, temperature: 0.7 })
    }, { messages: messages.length, maxTokens: 1000, temperature: 0.7, userId: "user-123", organizationId: "org-456" })
    expect(response.choices[0]!.message.content).toMatch(/^Echo: /)
    const span = chatSpan()
    expect(span.name).toBe("chat gpt-4")
    expect(span.kind).toBe(SpanKind.CLIENT)
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4",
      "gen_ai.request.max_tokens": 1000,
      "gen_ai.request.temperature": 0.7,
      "gen_ai.request.message_count": 1,
      "gen_ai.response.id": response.id,
      "gen_ai.response.model": "gpt-4",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": response.usage!.prompt_tokens,
      "gen_ai.usage.output_tokens": response.usage!.completion_tokens,
      "user.id": "user-123",
      "tenant.id": "org-456"
    })
    // Content is off by default: no prompt or completion text anywhere on the span.
    const everything = JSON.stringify([span.attributes, span.events])
    expect(everything).not.toContain("Lisbon")
    expect(everything).not.toContain("Echo:")
  })

  it("covers a whole stream, takes usage from the last chunk, and records the time to the first chunk", async () => {
    const stream = await traceAIChatCompletion("openai", "gpt-4o-slow", () =>
      openai.chat.completions.create({ model: "gpt-4o-slow", messages, stream: true, stream_options: { include_usage: true } }),
      { stream: true })
    expect(spans.all()).toHaveLength(0) // still open while the stream is read
    let text = ""
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ""
    expect(text).toMatch(/^Echo: What is the weather/)
    const span = chatSpan()
    expect(span.attributes).toMatchObject({
      "gen_ai.request.stream": true,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.output_tokens": text.split(" ").length
    })
    expect(span.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThanOrEqual(0.25)
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0)
  })

  it("ends the span of a stream the consumer abandons", async () => {
    const stream = await traceAIChatCompletion("openai", "gpt-4", () =>
      openai.chat.completions.create({ model: "gpt-4", messages, stream: true }))
    for await (const _chunk of stream) break
    const span = chatSpan()
    expect(span.ended).toBe(true)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })

  it("marks a rate-limited call with its status as error.type", async () => {
    await expect(traceAIChatCompletion("openai", "gpt-4-rate-limited", () =>
      openai.chat.completions.create({ model: "gpt-4-rate-limited", messages }))).rejects.toMatchObject({ status: 429 })
    const span = chatSpan()
    expect(span.status.code).toBe(SpanStatusCode.ERROR)
    expect(span.attributes["error.type"]).toBe("429")
  })

  it("marks a provider failure and a timeout", async () => {
    await expect(traceAIChatCompletion("openai", "gpt-4-broken", () =>
      openai.chat.completions.create({ model: "gpt-4-broken", messages }))).rejects.toMatchObject({ status: 500 })
    expect(chatSpan().attributes["error.type"]).toBe("500")
    spans.reset()
    const impatient = new OpenAI({ baseURL: `${ai.url}/v1`, apiKey: "sk-test", maxRetries: 0, timeout: 100 })
    await expect(traceAIChatCompletion("openai", "gpt-4-slow", () =>
      impatient.chat.completions.create({ model: "gpt-4-slow", messages }))).rejects.toThrow()
    expect(chatSpan().attributes["error.type"]).toBe("APIConnectionTimeoutError")
  })

  it("records prompt and completion only when asked, and then redacted", async () => {
    await traceAIChatCompletion("openai", "gpt-4", () => openai.chat.completions.create({ model: "gpt-4", messages }), {
      messages,
      captureContent: true
    })
    const span = chatSpan()
    expect(span.attributes["gen_ai.input.messages"]).toContain("What is the weather in Lisbon?")
    expect(span.attributes["gen_ai.input.messages"]).not.toContain("ana@example.com")
    expect(span.attributes["gen_ai.output.messages"]).toContain("Echo: What is the weather")
  })
})

describe("traceAIChatCompletion with Anthropic's shapes", () => {
  const anthropic = (body: object) =>
    fetch(`${ai.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

  it("reads a Messages response", async () => {
    await traceAIChatCompletion("anthropic", "claude-3-5-sonnet", async () =>
      (await anthropic({ model: "claude-3-5-sonnet", max_tokens: 100, messages })).json(), { maxTokens: 100 })
    expect(chatSpan().attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.response.model": "claude-3-5-sonnet"
    })
    expect(chatSpan().attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0)
  })

  it("reads a streamed Messages response event by event", async () => {
    const events = async function*() {
      const response = await anthropic({ model: "claude-3-5-sonnet", max_tokens: 100, messages, stream: true })
      const text = await response.text()
      for (const block of text.split("\n\n")) {
        const data = block.split("\n").find((line) => line.startsWith("data: "))
        if (data) yield JSON.parse(data.slice(6))
      }
    }
    const stream = await traceAIChatCompletion("anthropic", "claude-3-5-sonnet", async () => events(), { stream: true })
    for await (const _event of stream) { /* consume */ }
    expect(chatSpan().attributes).toMatchObject({ "gen_ai.response.finish_reasons": ["end_turn"], "gen_ai.response.model": "claude-3-5-sonnet" })
    expect(chatSpan().attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0)
    expect(chatSpan().attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0)
  })
})

describe("what the provider call carries", () => {
  it("the trace context but no baggage, unless asked", async () => {
    const { baggage, injectTraceContext } = await import("../../src/entries/propagation.js")
    const headersSent = (sendBaggage?: boolean) =>
      baggage.run({ "user.id": "user-123" }, () =>
        traceAIChatCompletion("openai", "gpt-4o", async () => injectTraceContext({} as Record<string, string>), {
          ...(sendBaggage === undefined ? {} : { sendBaggage })
        }))
    const plain = await headersSent()
    expect(plain.traceparent).toMatch(/^00-/)
    expect(plain.baggage).toBeUndefined()
    expect((await headersSent(true)).baggage).toBe("user.id=user-123")
  })
})

describe("content capture", () => {
  it("never throws into the application: circular, BigInt, functions, throwing getters, huge arrays", async () => {
    const circular: Record<string, unknown> = { role: "user", content: "hi" }
    circular.self = circular
    const throwing = { role: "user", get content(): string { throw new Error("getter") } }
    const messages = [circular, { role: "user", content: 10n, fn: () => 1 }, throwing, ...Array.from({ length: 100_000 }, () => ({ role: "user", content: "x" }))]
    const answer = await traceAIChatCompletion("openai", "gpt-4o", async () => "ran", { messages, captureContent: true })
    expect(answer).toBe("ran")
    const span = spans.all().at(-1)!
    const recorded = String(span.attributes["gen_ai.input.messages"])
    expect(recorded.length).toBeLessThanOrEqual(8 * 1024 + 1)
    expect(recorded).toContain("[Circular]")
    expect(recorded).toContain("\"content\":\"10\"")
  })
})
