/**
 * Plants every carrier of the attack corpus in every field a span exports, through the
 * Promise facade and through Effect: attributes under innocent keys, span names, event names
 * and attributes, exception messages and stacks, status messages, link attributes, `Effect.log`
 * events, SQL text, AI message content (plain and streamed), URLs and allow-listed headers.
 */
import { SpanStatusCode, trace } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Stream from "effect/Stream"
import { AiClient, TracedHttpClient, traceAsync, tracer } from "../../src/index.js"
import type { Carrier } from "./attackCorpus.js"
import { traceAIChatCompletion, traceSemanticCache } from "../../src/entries/ai.js"
import { traceDatabaseQuery } from "../../src/entries/database.js"
import { traceFetch } from "../../src/entries/http.js"

/** A string no redaction touches: proves that data reached the wire at all. */
export const CANARY = "canary-kept-7c1f"

/** Facade spans, one kind of field each (span names and statuses: one span per carrier). */
export const emitFacade = async (carriers: ReadonlyArray<Carrier>): Promise<void> => {
  await traceAsync("corpus facade", async () => {
    await traceAsync("field attribute", async (span) => {
      span.setAttribute("canary", CANARY)
      carriers.forEach((carrier, i) => span.setAttribute(`note.${i}`, carrier.text))
    }, { "start.note": carriers.map((carrier) => carrier.text).join(" | ") })
    await traceAsync("field events", async (span) => {
      for (const carrier of carriers) {
        span.addEvent(carrier.text)
        span.addEvent("detail", { detail: carrier.text })
      }
    })
    await traceAsync("field exceptions", async (span) => {
      for (const carrier of carriers) span.recordException(new Error(carrier.text))
    })
    for (const carrier of carriers) {
      await traceAsync(carrier.text, async (span) => span.setStatus({ code: SpanStatusCode.ERROR, message: carrier.text }))
    }
    const linked = tracer.startSpan("link target")
    linked.end()
    const withLinks = tracer.startSpan("field links", {
      links: carriers.map((carrier) => ({ context: linked.spanContext(), attributes: { note: carrier.text } }))
    })
    withLinks.updateName("field links")
    withLinks.end()
    await traceAsync("field thrown", async () => {
      for (const carrier of carriers) {
        await traceAsync("thrower", async () => {
          throw new Error(carrier.text)
        }).catch(() => {})
      }
    })
    for (const carrier of carriers) {
      await traceDatabaseQuery("SELECT", `SELECT * FROM notes WHERE body = '${carrier.text.replace(/'/g, "''")}'`, async () => ({ rows: [] }))
    }
    await traceSemanticCache("lookup", carriers.map((carrier) => carrier.text), async () => null)
    for (const carrier of carriers) {
      await traceAIChatCompletion("openai", "gpt-4o", async () => ({
        id: "chatcmpl-1",
        model: "gpt-4o",
        choices: [{ index: 0, message: { role: "assistant", content: carrier.text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 3, completion_tokens: 4 }
      }), { messages: [{ role: "user", content: carrier.text }], captureContent: true })
      const stream = await traceAIChatCompletion("openai", "gpt-4o", async () => chunks(carrier.text), {
        messages: [{ role: "user", content: `streamed\n${carrier.text}` }],
        captureContent: true,
        stream: true
      })
      for await (const _ of stream) {
        // read to the end: the span ends with the stream
      }
    }
  })
}

async function* chunks(text: string) {
  const half = Math.ceil(text.length / 2)
  for (const part of [text.slice(0, half), text.slice(half)]) {
    yield { id: "chatcmpl-2", model: "gpt-4o", choices: [{ index: 0, delta: { content: part }, finish_reason: null }] }
  }
  yield { id: "chatcmpl-2", model: "gpt-4o", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 2 } }
}

/** URLs built from the corpus' URL cases, aimed at `base` (a local server, or a refused port). */
export const urlsFor = (base: string): Array<string> => {
  const { host } = new URL(base)
  return [
    `http://admin:Us3rInfoPw@${host}/ok`,
    `http://${host}/ok?access_token=Qs7Token9Value&x=1`,
    `http://${host}/ok#access_token=Fr4gToken8Value`,
    `http://${host}/files;token=Mx3Token7Value/a`,
    `http://${host}/ok?X-Amz-Signature=4f3a9b8c7d6e5f4a3b2c1d0e9f8a7b6c`,
    `http://${host}/ok?q=${encodeURIComponent("Bearer Rt5Yu6Io7Pa8Sd9Fg0")}`,
    `http://${host}/ok?password=Hunt3r2Secret!`
  ]
}

/** Outgoing calls with secrets in the URL and in an allow-listed header, answered or refused. */
export const emitHttp = async (carriers: ReadonlyArray<Carrier>, okBase: string, refusedBase: string): Promise<void> => {
  await traceAsync("corpus http", async () => {
    for (const url of [...urlsFor(okBase), ...urlsFor(refusedBase)]) {
      await traceFetch(url.replace(/\/\/[^@/]*@/, "//"), { headers: { "x-note": "plain" } }).catch(() => {})
      // A URL with userinfo cannot be fetched; it still makes a (failed) traced call.
      await traceFetch(url).catch(() => {})
    }
    for (const carrier of carriers.filter((c) => !/[\r\n]/.test(c.text))) {
      await traceFetch(`${okBase}/ok`, { headers: { "x-note": carrier.text } }).catch(() => {})
    }
  })
}

/**
 * Effect spans: annotations, `Effect.log` events, failures, the AiClient's content (plain and
 * streamed), and TracedHttpClient calls to `urls` (answered, refused, or refused by fetch for
 * their userinfo).
 */
export const emitEffect = (carriers: ReadonlyArray<Carrier>, urls: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    for (const [i, carrier] of carriers.entries()) {
      yield* Effect.gen(function*() {
        yield* Effect.annotateCurrentSpan(`note.${i}`, carrier.text)
        yield* Effect.log(carrier.text)
        yield* Effect.logError(`failed with ${carrier.text}`)
        trace.getActiveSpan()?.setAttribute("facade.note", carrier.text)
        yield* Effect.fail(new Error(carrier.text))
      }).pipe(Effect.withSpan(`effect ${i}`, { attributes: { "start.note": carrier.text } }), Effect.ignore)
    }
    const http = yield* TracedHttpClient
    for (const url of urls) yield* Effect.ignore(http.get(url))
    const ai = yield* AiClient
    for (const carrier of carriers) {
      const messages = [{ role: "user" as const, content: carrier.text }]
      yield* ai.chatCompletion({ model: "gpt-4o", messages, captureContent: true })
      yield* Stream.runDrain(ai.streamChatCompletion({ model: "gpt-4o", messages, captureContent: true }))
    }
  }).pipe(
    Effect.withSpan("corpus effect"),
    // Log lines still become span events; the console stays quiet.
    Effect.provide(Logger.remove(Logger.defaultLogger))
  )
