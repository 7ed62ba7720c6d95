/**
 * W3C Trace Context Level 2, trace-flags ("Random Trace ID Flag"): the random flag says the
 * trace id is random, so a service may set it only on trace ids it generated, and passes it on
 * as received otherwise. Every path out of the process is tried below a caller that sent each
 * flag value (and below none), and the sampled flag follows the parent-based sampler.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { context, ROOT_CONTEXT, trace, type Tracer, type TracerProvider } from "@opentelemetry/api"
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { createServer } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AiClient, runTraced, shutdownTracing, traceAsync, TracedHttpClient } from "../../src/index.js"
import { randomFlagTracerProvider } from "../../src/layers/RandomFlagTracerProvider.js"
import { extractTraceContext, injectHeaders, injectTraceContext } from "../../src/entries/propagation.js"
import { randomFlagOf } from "../../src/propagation/randomFlag.js"
import { FLAG_RANDOM } from "../../src/propagation/traceparent.js"
import * as HttpServerTracing from "../../src/services/HttpServerTracing.js"
import { initTestTracing, layerTest, TestSpans } from "../../src/entries/testing.js"
import { type AiStandIn, startAiStandIn } from "../../scripts/aiStandIn.js"
import { type HttpFixture, startHttpFixture } from "../support/httpFixture.js"
import { traceFetch } from "../../src/entries/http.js"

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const PARENT_ID = "00f067aa0ba902b7"

// The default sampler: the sampled flag follows the caller.
initTestTracing({ sampler: "parentbased_always_on" })
let fixture: HttpFixture
let ai: AiStandIn
beforeAll(async () => {
  fixture = await startHttpFixture()
  ai = await startAiStandIn()
})
afterAll(async () => {
  await fixture.close()
  await ai.close()
  await shutdownTracing()
})

const flagsOf = (traceparent: unknown) => {
  expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
  return (traceparent as string).slice(-2)
}
const lastFixtureTraceparent = () => fixture.calls.at(-1)!.headers.traceparent

/** Each path out: runs under `parent` (the caller's context) and returns the traceparent it sent. */
const paths: Record<string, (parent: typeof ROOT_CONTEXT) => Promise<unknown>> = {
  "facade injectTraceContext": (parent) =>
    context.with(parent, () => traceAsync("work", async () => injectTraceContext({} as Record<string, string>).traceparent)),
  "facade traceFetch": (parent) =>
    context.with(parent, async () => {
      await (await traceFetch(`${fixture.url}/ok`)).text()
      return lastFixtureTraceparent()
    }),
  "Effect.withSpan through runTraced": (parent) =>
    context.with(parent, () =>
      runTraced(Effect.withSpan(injectHeaders({} as Record<string, string>), "work")).then((headers) => headers.traceparent)),
  "TracedHttpClient": (parent) =>
    context.with(parent, () =>
      runTraced(
        Effect.gen(function*() {
          yield* (yield* TracedHttpClient).get(`${fixture.url}/ok`)
          return lastFixtureTraceparent()
        }).pipe(Effect.scoped, Effect.provide(TracedHttpClient.layerFetch()))
      )),
  "AiClient": (parent) =>
    context.with(parent, () =>
      runTraced(
        Effect.gen(function*() {
          yield* (yield* AiClient).chatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
          return ai.requests.at(-1)!.headers.traceparent
        }).pipe(
          Effect.provide(AiClient.layer({ provider: "openai", baseUrl: `${ai.url}/v1`, apiKey: "sk-test" })),
          Effect.provide(TracedHttpClient.layerFetch())
        )
      ))
}

const upstream = (flags: string) =>
  extractTraceContext({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-${flags}` })

describe("the random trace-id flag on every path out", () => {
  for (const [path, send] of Object.entries(paths)) {
    it(`${path}: passed on as received, set only on a trace started here`, async () => {
      for (const flags of ["00", "01", "02", "03"]) {
        const sent = await send(upstream(flags))
        expect(String(sent).slice(3, 35), `${flags} upstream`).toBe(TRACE_ID)
        expect(flagsOf(sent), `${flags} upstream`).toBe(flags)
      }
      const started = await send(ROOT_CONTEXT)
      expect(String(started).slice(3, 35)).not.toBe(TRACE_ID)
      expect(flagsOf(started)).toBe("03")
    })
  }

  it("HttpServerTracing: a handler's outgoing headers carry the caller's flag", async () => {
    const router = HttpRouter.empty.pipe(
      HttpRouter.get(
        "/out",
        Effect.flatMap(
          Effect.withSpan(injectHeaders({} as Record<string, string>), "work"),
          (headers) => HttpServerResponse.text(headers.traceparent ?? "")
        )
      )
    )
    const server = HttpServerTracing.serve(router).pipe(
      Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
    )
    await runTraced(Effect.gen(function*() {
      const address = (yield* HttpServer.HttpServer).address as HttpServer.TcpAddress
      const get = (headers: Record<string, string>) =>
        Effect.promise(() => fetch(`http://127.0.0.1:${address.port}/out`, { headers }).then((r) => r.text()))
      for (const flags of ["00", "01", "02", "03"]) {
        const sent = yield* get({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-${flags}` })
        expect(sent.slice(3, 35)).toBe(TRACE_ID)
        expect(flagsOf(sent), `${flags} upstream`).toBe(flags)
      }
      expect(flagsOf(yield* get({}))).toBe("03")
    }).pipe(Effect.provide(server)))
  })
})

describe("a runtime built in one caller's context", () => {
  it("hands that context to none of the fibers it runs later", async () => {
    const runtime = ManagedRuntime.make(layerTest({ sampler: "parentbased_always_on" }))
    const traced = Effect.withSpan(injectHeaders({} as Record<string, string>), "work")
    // Built lazily, by its first run, inside an extracted request context.
    const first = await context.with(upstream("01"), () => runtime.runPromise(traced))
    expect(first.traceparent!.slice(3, 35)).toBe(TRACE_ID)
    const later = await context.with(ROOT_CONTEXT, () => runtime.runPromise(traced))
    expect(later.traceparent!.slice(3, 35)).not.toBe(TRACE_ID)
    expect(flagsOf(later.traceparent)).toBe("03")
    const spans = await runtime.runPromise(Effect.flatMap(TestSpans, (test) => test.byName("work")))
    expect(spans.map((span) => span.parentSpanContext?.spanId)).toEqual([PARENT_ID, undefined])
    await runtime.dispose()
  })
})

describe("spans that take no mark", () => {
  it("a foreign provider's frozen spans: started without an error, and a root's flag still known", () => {
    const provider = new BasicTracerProvider()
    const frozen: TracerProvider = {
      getTracer: (...args: Parameters<TracerProvider["getTracer"]>) => {
        const tracer = provider.getTracer(...args)
        return {
          startSpan: (name, options, ctx) => Object.freeze(tracer.startSpan(name, options, ctx)),
          startActiveSpan: tracer.startActiveSpan.bind(tracer)
        } as Tracer
      }
    }
    const tracer = randomFlagTracerProvider(frozen).getTracer("frozen")
    const root = tracer.startSpan("root", {}, ROOT_CONTEXT)
    const child = tracer.startSpan("child", {}, trace.setSpan(ROOT_CONTEXT, root))
    expect(Object.isFrozen(root)).toBe(true)
    expect(randomFlagOf(root)).toBe(FLAG_RANDOM)
    expect(randomFlagOf(child)).toBe(FLAG_RANDOM)
    // A span nobody noted: no flag.
    expect(randomFlagOf(provider.getTracer("other").startSpan("unnoted"))).toBe(0)
  })
})
