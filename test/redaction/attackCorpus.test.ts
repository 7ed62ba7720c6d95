/**
 * The attack corpus on the wire: every promised secret class, in every position, planted in
 * every exported field through the facade and through Effect, then the raw bytes of the OTLP
 * requests a real receiver got (protobuf and JSON) searched for any piece of any secret.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AiClient, TracedHttpClient, Tracing } from "../../src/index.js"
import { type AiStandIn, startAiStandIn } from "../../scripts/aiStandIn.js"
import { allNeedles, carriers, leaksIn, needleHeads, SECRET_CASES } from "../support/attackCorpus.js"
import { CANARY, emitEffect, emitFacade, emitHttp, urlsFor } from "../support/emitCorpus.js"
import { type HttpFixture, refusedPort, startHttpFixture } from "../support/httpFixture.js"
import { type Receiver, startStrictReceiver } from "../support/receivers.js"

let receiver: Receiver
let ai: AiStandIn
let fixture: HttpFixture
let refused: string
beforeAll(async () => {
  ;[receiver, ai, fixture] = await Promise.all([startStrictReceiver(), startAiStandIn(), startHttpFixture()])
  refused = `http://127.0.0.1:${await refusedPort()}`
})
afterAll(() => Promise.all([receiver.close(), ai.close(), fixture.close()]))

const tracingFor = (protocol: "http/protobuf" | "http/json", attributeValueLengthLimit?: number) =>
  Tracing.layer({
    serviceName: "corpus",
    otlp: { tracesEndpoint: receiver.url, protocol },
    batch: { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 50 },
    http: { requestHeaders: ["x-note"] },
    ...(attributeValueLengthLimit === undefined ? {} : { spanLimits: { attributeValueLengthLimit } })
  })

const aiLayer = () =>
  AiClient.layer({ provider: "openai", baseUrl: `${ai.url}/v1`, apiKey: "sk-test-key-abcdefghijklmnopqrstuv" })
    .pipe(Layer.provideMerge(TracedHttpClient.layerFetch()))

/** Runs `program` with tracing to the receiver, and returns the raw bytes it was sent once the layer flushed. */
const exported = async (layer: Layer.Layer<never, unknown>, program: Effect.Effect<void, unknown, never>) => {
  receiver.reset()
  await Effect.runPromise(program.pipe(Effect.provide(layer)))
  return {
    raw: Buffer.concat(receiver.requests.map((request) => request.raw)).toString("utf8"),
    spans: receiver.spans
  }
}

/** Names the field and carrier of each leak, from the decoded spans. */
const describeLeaks = (spans: Receiver["spans"], needles: ReadonlyArray<string>): Array<string> =>
  spans.flatMap((span) => {
    const fields: Record<string, unknown> = {
      name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: (span as { links?: unknown }).links
    }
    return Object.entries(fields).flatMap(([field, value]) => {
      const text = JSON.stringify(value) ?? ""
      return leaksIn(text, needles).map((needle) => `${span.name} / ${field}: ${needle}`)
    })
  })

describe("the attack corpus", () => {
  const corpus = carriers()

  for (const protocol of ["http/protobuf", "http/json"] as const) {
    it(`leaves no piece of any secret in the ${protocol} request bytes, from any field, facade or Effect`, async () => {
      const { raw, spans } = await exported(
        Layer.mergeAll(tracingFor(protocol), aiLayer().pipe(Layer.provide(tracingFor(protocol)))) as Layer.Layer<never, unknown>,
        Effect.gen(function*() {
          yield* Effect.promise(() => emitFacade(corpus))
          yield* Effect.promise(() => emitHttp(corpus, fixture.url, refused))
          yield* emitEffect(corpus, [...urlsFor(fixture.url), ...urlsFor(refused)])
        }) as Effect.Effect<void, unknown, never>
      )
      // The data did flow: every field's spans arrived, with what redaction must keep.
      expect(raw).toContain(CANARY)
      const names = new Set(spans.map((span) => span.name))
      for (const name of ["field attribute", "field events", "field exceptions", "field links", "chat gpt-4o", "SELECT notes", "GET"]) {
        expect(names).toContain(name)
      }
      expect(spans.length).toBeGreaterThan(corpus.length * 5)
      // Effect.log and Effect.logError inside a span became its events, and the failure one more.
      expect(spans.find((span) => span.name === "effect 0")!.events.length).toBeGreaterThanOrEqual(3)
      expect(describeLeaks(spans, allNeedles())).toEqual([])
      expect(leaksIn(raw, allNeedles())).toEqual([])
    }, 120_000)
  }

  it("redacts before it cuts: a secret cut by OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT leaves no head behind", async () => {
    const limit = 96
    const cut = SECRET_CASES.map((secret, i) => ({
      id: secret.name,
      // Padded so that the limit falls in the middle of the secret.
      text: `${"x".repeat(Math.max(0, limit - 1 - Math.ceil(secret.text.length / 2)))} ${secret.text}`,
      needles: [],
      i
    }))
    const { raw, spans } = await exported(
      tracingFor("http/protobuf", limit) as Layer.Layer<never, unknown>,
      Effect.promise(() => emitFacade(cut)) as Effect.Effect<void, unknown, never>
    )
    const attribute = spans.find((span) => span.name === "field attribute")!
    // The limit applies (to what is left after redaction): the joined notes are cut to it.
    expect(String(attribute.attributes["start.note"]).length).toBe(limit)
    expect(String(attribute.attributes["note.0"])).toMatch(/^x+ \[REDACTED\]$/)
    expect(describeLeaks(spans, needleHeads())).toEqual([])
    expect(leaksIn(raw, needleHeads())).toEqual([])
  }, 120_000)

  it("redacts AI content before its 8 KiB cut", async () => {
    const { raw, spans } = await exported(
      tracingFor("http/json") as Layer.Layer<never, unknown>,
      Effect.promise(() =>
        emitFacade(SECRET_CASES.map((secret) => ({
          id: secret.name,
          // `[{"role":"user","content":"` is 27 characters: the cut at 8192 falls inside the secret.
          text: `${"y".repeat(8192 - 28 - Math.ceil(secret.text.length / 2))} ${secret.text}`,
          needles: []
        })))
      ) as Effect.Effect<void, unknown, never>
    )
    expect(describeLeaks(spans, needleHeads())).toEqual([])
    expect(leaksIn(raw, needleHeads())).toEqual([])
  }, 120_000)
})
