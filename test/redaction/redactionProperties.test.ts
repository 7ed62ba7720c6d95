/**
 * Properties an attacker would probe: a random secret of each promised class, at a random
 * position in random text, in a random field, never reaches the wire; and no public function
 * throws because of the type or shape of a value it is given.
 */
import { SpanStatusCode } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { traceAsync, Tracing } from "../../src/index.js"
import { formatBaggage, parseBaggage } from "../../src/propagation/baggage.js"
import { formatTraceparent, parseTraceparent } from "../../src/propagation/traceparent.js"
import { formatTracestate, parseTracestate } from "../../src/propagation/tracestate.js"
import { W3CTraceState } from "../../src/propagation/W3CTraceState.js"
import { redactedJson } from "../../src/redaction/redactedJson.js"
import { sanitizeSql } from "../../src/redaction/sanitizeSql.js"
import { redactSensitiveText } from "../../src/redaction/sensitiveText.js"
import { summarizeSql } from "../../src/redaction/summarizeSql.js"
import { redactUrl } from "../../src/redaction/url.js"
import { leaksIn, SECRET_CASES } from "../support/attackCorpus.js"
import { type Receiver, startStrictReceiver } from "../support/receivers.js"
import { baggage, extractTraceContext, injectTraceContext } from "../../src/entries/propagation.js"
import { traceAIChatCompletion, traceMLOperation, traceSemanticCache } from "../../src/entries/ai.js"
import { traceApiClient, traceOutgoingRequest } from "../../src/entries/http.js"
import { traceDatabaseQuery } from "../../src/entries/database.js"

/** Characters that end a word in any text: what may stand next to a secret. */
const SEPARATORS = [" ", "\n", "\t", "\r\n", ",", ";", "(", ")", "\"", "'", "<", ">", "|", "!", "[", "]", "{", "}"]
const separator = fc.constantFrom(...SEPARATORS)
const surrounding = fc.string({ unit: fc.oneof(fc.constantFrom(..."abcXYZ019 \n\t.,:;=&?#%-_/@\"'{}[]"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), maxLength: 24 })
const planted = fc.record({
  secret: fc.constantFrom(...SECRET_CASES.filter((secret) => secret.standalone !== true)),
  before: surrounding,
  after: surrounding,
  left: separator,
  right: separator,
  encoding: fc.constantFrom("raw", "json", "percent"),
  field: fc.constantFrom("attribute", "name", "event", "exception", "status", "link")
})

describe("a random secret in random text in a random field", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startStrictReceiver()
  })
  afterAll(() => receiver.close())

  it("never reaches the wire", async () => {
    const samples = fc.sample(planted, { numRuns: 400, seed: 20261202 })
    await Effect.runPromise(Effect.promise(() =>
      traceAsync("property root", async () => {
        for (const sample of samples) {
          const raw = `${sample.before}${sample.left}${sample.secret.text}${sample.right}${sample.after}`
          const text = sample.encoding === "json" ? JSON.stringify({ text: raw }) : sample.encoding === "percent" ? encodeURIComponent(raw) : raw
          await traceAsync(sample.field === "name" ? text : "sample", async (span) => {
            if (sample.field === "attribute") span.setAttribute("note", text)
            if (sample.field === "event") span.addEvent(text, { detail: text })
            if (sample.field === "exception") span.recordException(new Error(text))
            if (sample.field === "status") span.setStatus({ code: SpanStatusCode.ERROR, message: text })
            if (sample.field === "link") span.addLink({ context: span.spanContext(), attributes: { note: text } })
          })
        }
      })
    ).pipe(Effect.provide(Tracing.layer({
      otlp: { tracesEndpoint: receiver.url },
      batch: { maxQueueSize: 10_000, maxExportBatchSize: 512, scheduledDelayMillis: 20 }
    }))))
    expect(receiver.spans.length).toBe(samples.length + 1)
    const bytes = Buffer.concat(receiver.requests.map((request) => request.raw)).toString("utf8")
    const failures = samples.filter((sample) => leaksIn(bytes, sample.secret.needles).length > 0)
    expect(failures.map((sample) => `${sample.secret.name} in ${sample.field} (${sample.encoding})`)).toEqual([])
  }, 60_000)
})

describe("no public function throws because of a value", () => {
  const anything = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true })

  it("codecs and text passes", () => {
    fc.assert(fc.property(anything, (value: any) => {
      parseTraceparent(value)
      parseTracestate(value)
      parseBaggage(value)
      W3CTraceState.parse(value)
      formatTraceparent(value)
      formatTracestate(value)
      formatBaggage(Array.isArray(value) ? value : [value])
      new W3CTraceState().set(value, value).unset(value).get(value)
      redactSensitiveText(value)
      sanitizeSql(value)
      summarizeSql(value)
      redactUrl(value)
      redactedJson(value, {}, 256)
    }), { numRuns: 500 })
  })

  it("facade functions run the callback and hand back its result", async () => {
    await fc.assert(fc.asyncProperty(anything, anything, anything, async (a: any, b: any, c: any) => {
      const fn = async () => "ran"
      expect(await traceAsync(a, fn, b)).toBe("ran")
      expect(await traceDatabaseQuery(a, b, fn, c)).toBe("ran")
      expect(await traceSemanticCache(a, b, fn)).toBe("ran")
      expect(await traceOutgoingRequest(a, b, fn)).toBe("ran")
      expect(await traceAIChatCompletion(a, b, fn, c)).toBe("ran")
      expect(await traceApiClient(a, b, fn, c)).toBe("ran")
      expect(await traceMLOperation(a, b, fn, c)).toBe("ran")
      extractTraceContext(a)
      injectTraceContext(typeof a === "object" && a !== null ? { ...a } : {})
      // baggage.set keeps its TypeError for a key that is not an HTTP token (a caller's bug, said clearly).
      baggage.get(a)
    }), { numRuns: 150 })
  }, 60_000)

  it("the propagators' extract, with null and odd header values", () => {
    for (const headers of [{ traceparent: null }, { traceparent: 42 }, { tracestate: {} }, { baggage: [null, 1] }, null, undefined, 7]) {
      expect(() => extractTraceContext(headers as never)).not.toThrow()
    }
  })
})
