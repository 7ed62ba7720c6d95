/**
 * The attack corpus on a provider someone else registered before `registerTracing()` (as
 * `@vercel/otel` or the Node SDK do): our exporters are not in its pipeline, so what this
 * library records is redacted as it is recorded.
 */
import { context, diag, DiagLogLevel, trace } from "@opentelemetry/api"
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks"
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, expect, it } from "vitest"
import { AiClient, registerTracing, runTraced, shutdownTracing, TracedHttpClient } from "../../src/index.js"
import { type AiStandIn, startAiStandIn } from "../../scripts/aiStandIn.js"
import { allNeedles, carriers, leaksIn } from "../support/attackCorpus.js"
import { CANARY, emitEffect, emitFacade, emitHttp, urlsFor } from "../support/emitCorpus.js"
import { type HttpFixture, refusedPort, startHttpFixture } from "../support/httpFixture.js"

let ai: AiStandIn
let fixture: HttpFixture
beforeAll(async () => {
  ;[ai, fixture] = await Promise.all([startAiStandIn(), startHttpFixture()])
})
afterAll(async () => {
  await shutdownTracing()
  await Promise.all([ai.close(), fixture.close()])
})

const serialized = (span: ReadableSpan) =>
  JSON.stringify({
    name: span.name, attributes: span.attributes, events: span.events, status: span.status,
    links: span.links.map((link) => link.attributes), scope: span.instrumentationScope
  })

it("redacts every field of the spans this library records on a foreign provider, and says once what it cannot cover", async () => {
  const theirs = new InMemorySpanExporter()
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(theirs)] }))
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  const warnings: Array<string> = []
  diag.setLogger({ warn: (message: string) => warnings.push(message), error: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN)
  registerTracing({ serviceName: "foreign", exporters: ["none"], http: { requestHeaders: ["x-note"] } })
  expect(warnings.filter((warning) => warning.includes("spans of other instrumentations"))).toHaveLength(1)

  const corpus = carriers()
  await emitFacade(corpus)
  const refused = `http://127.0.0.1:${await refusedPort()}`
  await emitHttp(corpus, fixture.url, refused)
  const aiLayer = AiClient.layer({ provider: "openai", baseUrl: `${ai.url}/v1`, apiKey: "sk-test-key-abcdefghijklmnopqrstuv" })
    .pipe(Layer.provideMerge(TracedHttpClient.layerFetch()))
  await runTraced(emitEffect(corpus, [...urlsFor(fixture.url), ...urlsFor(refused)]).pipe(Effect.provide(aiLayer)))

  const spans = theirs.getFinishedSpans()
  expect(spans.length).toBeGreaterThan(corpus.length * 5)
  const all = spans.map(serialized).join("\n")
  expect(all).toContain(CANARY)
  const leaks = spans.flatMap((span) => leaksIn(serialized(span), allNeedles()).map((needle) => `${span.name}: ${needle}`))
  expect(leaks).toEqual([])
}, 120_000)
