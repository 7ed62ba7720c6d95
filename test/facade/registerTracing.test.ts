import { context, type ProxyTracerProvider, trace } from "@opentelemetry/api"
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks"
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import { afterAll, expect, it } from "vitest"
import { registerTracing, runTraced, shutdownTracing, traceAsync } from "../../src/index.js"
import { activeRegistration } from "../../src/layers/globalRegistration.js"

// The cases share one process-wide state and run in order.
afterAll(() => shutdownTracing())

it("does nothing on the edge runtime", () => {
  process.env.NEXT_RUNTIME = "edge"
  try {
    registerTracing()
    expect(activeRegistration()).toBeUndefined()
  } finally {
    delete process.env.NEXT_RUNTIME
  }
})

it("reuses a tracer provider that is already registered, once per process", async () => {
  // What @vercel/otel or the Node SDK would have done first.
  const theirs = new InMemorySpanExporter()
  // Their batch processor would wait an hour: the flush on shutdown is what delivers.
  const batched = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(theirs), new BatchSpanProcessor(batched, { scheduledDelayMillis: 3_600_000 })]
  })
  trace.setGlobalTracerProvider(provider)
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  process.env.NEXT_RUNTIME = "nodejs"
  try {
    registerTracing({ serviceName: "next-app", exporters: ["none"] })
    registerTracing({ serviceName: "ignored" })
  } finally {
    delete process.env.NEXT_RUNTIME
  }
  // Their provider stays the global one; ours records through it (redacting as spans are recorded).
  expect(activeRegistration()).toBeDefined()
  expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate()).toBe(provider)

  await traceAsync("facade work", () =>
    runTraced(Effect.withSpan(Effect.void, "effect work")).then(() =>
      trace.getTracer("plain").startActiveSpan("plain api", (span) => span.end())
    ))
  const spans = theirs.getFinishedSpans()
  expect(spans.map((span) => span.name).sort()).toEqual(["effect work", "facade work", "plain api"])
  const root = spans.find((span) => span.name === "facade work")!
  for (const span of spans.filter((span) => span !== root)) {
    expect(span.spanContext().traceId).toBe(root.spanContext().traceId)
    expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId)
  }
  expect(batched.getFinishedSpans()).toHaveLength(0)
  await shutdownTracing()
  expect(batched.getFinishedSpans()).toHaveLength(3)
})
