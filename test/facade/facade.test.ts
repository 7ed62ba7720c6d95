import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { hrTimeToMilliseconds, hrTimeToNanoseconds } from "@opentelemetry/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import { AsyncLocalStorage } from "node:async_hooks"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { runTraced, shutdownTracing, traceAsync, tracer, tracingHealth } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"

const spans = initTestTracing({ serviceName: "facade-test" })
beforeEach(() => spans.reset())
afterAll(() => shutdownTracing())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const only = (name: string): ReadableSpan => {
  const found = spans.byName(name)
  expect(found, `spans named ${name}`).toHaveLength(1)
  return found[0]!
}
const parentOf = (name: string) => only(name).parentSpanContext?.spanId
const idOf = (name: string) => only(name).spanContext().spanId

describe("traceAsync", () => {
  it("runs the function in a span with the given attributes and returns its result (the seed's example)", async () => {
    const result = await traceAsync("process_data", async () => {
      await sleep(1)
      return "done"
    }, { userId: "user-123", operationType: "batch_processing" })
    expect(result).toBe("done")
    const span = only("process_data")
    expect(span.attributes).toEqual({ userId: "user-123", operationType: "batch_processing" })
    expect(span.ended).toBe(true)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })

  it("nests inside the active span across awaits", async () => {
    await traceAsync("outer", async () => {
      await sleep(1)
      await traceAsync("inner", async () => sleep(1))
    })
    expect(parentOf("inner")).toBe(idOf("outer"))
    expect(only("outer").parentSpanContext).toBeUndefined()
  })

  it("records a rejection, marks the span ERROR and rethrows the same error", async () => {
    const error = new TypeError("bad input")
    await expect(traceAsync("fails", async () => {
      throw error
    })).rejects.toBe(error)
    const span = only("fails")
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "bad input" })
    expect(span.events[0]?.name).toBe("exception")
    expect(span.events[0]?.attributes).toMatchObject({ "exception.type": "TypeError", "exception.message": "bad input" })
    expect(span.ended).toBe(true)
  })

  it("turns a synchronous throw into a rejection and records it", async () => {
    const error = new Error("sync")
    await expect(traceAsync("throws", () => {
      throw error
    })).rejects.toBe(error)
    expect(only("throws").status.code).toBe(SpanStatusCode.ERROR)
  })

  it("records a thrown non-Error value", async () => {
    await expect(traceAsync("throws-string", async () => {
      throw "plain string"
    })).rejects.toBe("plain string")
    expect(only("throws-string").status).toEqual({ code: SpanStatusCode.ERROR, message: "plain string" })
  })
})

describe("tracer.startActiveSpan", () => {
  it("ends the span of the seed's example, which never calls span.end()", async () => {
    await tracer.startActiveSpan("custom_operation", async (span) => {
      span.setAttribute("custom.attribute", "value")
      await sleep(1)
      span.addEvent("milestone_reached", { progress: 50 })
    })
    const span = only("custom_operation")
    expect(span.ended).toBe(true)
    expect(span.attributes).toEqual({ "custom.attribute": "value" })
    expect(span.events.map((event) => [event.name, event.attributes])).toEqual([["milestone_reached", { progress: 50 }]])
  })

  it("keeps the end time of a span the callback ended itself", async () => {
    let endedAt: [number, number] | undefined
    await tracer.startActiveSpan("ends-itself", async (span) => {
      span.end()
      endedAt = (span as unknown as ReadableSpan).endTime
      await sleep(5)
    })
    expect(only("ends-itself").endTime).toEqual(endedAt)
  })

  it("accepts options and a parent context, and returns a synchronous result", () => {
    const parent = tracer.startSpan("explicit-parent")
    const ctx = trace.setSpan(context.active(), parent)
    const value = tracer.startActiveSpan("with-options", { kind: SpanKind.CLIENT, attributes: { a: 1 } }, ctx, (span) => {
      expect(trace.getActiveSpan()).toBe(span)
      return 7
    })
    parent.end()
    expect(value).toBe(7)
    const span = only("with-options")
    expect(span.kind).toBe(SpanKind.CLIENT)
    expect(span.attributes).toEqual({ a: 1 })
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId)
    expect(span.ended).toBe(true)
  })

  it("records a failure and rethrows it", async () => {
    const error = new Error("nope")
    await expect(tracer.startActiveSpan("active-fails", async () => {
      throw error
    })).rejects.toBe(error)
    expect(only("active-fails").status).toEqual({ code: SpanStatusCode.ERROR, message: "nope" })
  })
})

describe("tracer.startSpan", () => {
  it("supports the seed's manual span management", async () => {
    const items = Array.from({ length: 250 }, (_, i) => i)
    const span = tracer.startSpan("manual_operation", {
      kind: SpanKind.INTERNAL,
      attributes: { "operation.type": "batch", "operation.size": 1000 }
    })
    try {
      span.setAttribute("progress", 0)
      span.setAttributes({ "items.count": items.length, "items.kind": "numbers" })
      for (let i = 0; i < items.length; i++) {
        await Promise.resolve(items[i])
        if (i % 100 === 0) {
          span.setAttribute("progress", (i / items.length) * 100)
          span.addEvent("progress_update", { processed: i, total: items.length })
        }
      }
      span.setStatus({ code: SpanStatusCode.OK })
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
      throw error
    } finally {
      span.end()
    }
    const recorded = only("manual_operation")
    expect(recorded.attributes).toEqual({
      "operation.type": "batch",
      "operation.size": 1000,
      progress: 80,
      "items.count": 250,
      "items.kind": "numbers"
    })
    expect(recorded.events.map((event) => event.attributes?.processed)).toEqual([0, 100, 200])
    expect(recorded.status.code).toBe(SpanStatusCode.OK)
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/)
  })

  // Trace API, "Set Status": instrumentation leaves a success unset and sets ERROR on failure;
  // only the application sets OK (as the manual span above does).
  it("sets status the same way from both faces: unset on success, ERROR on failure", async () => {
    await traceAsync("facade_ok", async () => 1)
    await runTraced(Effect.withSpan(Effect.succeed(1), "effect_ok"))
    await traceAsync("facade_failed", async () => {
      throw new Error("nope")
    }).catch(() => undefined)
    await runTraced(Effect.withSpan(Effect.fail(new Error("nope")), "effect_failed")).catch(() => undefined)
    for (const name of ["facade_ok", "effect_ok"]) expect(only(name).status, name).toEqual({ code: SpanStatusCode.UNSET })
    for (const name of ["facade_failed", "effect_failed"]) {
      expect(only(name).status, name).toEqual({ code: SpanStatusCode.ERROR, message: "nope" })
      expect(only(name).events.map((event) => event.name), name).toEqual(["exception"])
    }
  })

  it("supports span links (the seed's best practice 4)", () => {
    const a = tracer.startSpan("item-a")
    const b = tracer.startSpan("item-b")
    a.end()
    b.end()
    const batch = tracer.startSpan("batch_process", { links: [a, b].map((item) => ({ context: item.spanContext() })) })
    batch.end()
    expect(only("batch_process").links.map((link) => link.context.spanId)).toEqual([idOf("item-a"), idOf("item-b")])
  })
})

describe("one trace across the facade, Effect and the plain OpenTelemetry API", () => {
  it("facade → Effect → facade → plain API", async () => {
    await traceAsync("facade-root", async () => {
      await sleep(1)
      await runTraced(
        Effect.gen(function*() {
          yield* Effect.sleep(1)
          yield* Effect.promise(() =>
            traceAsync("facade-in-effect", async () => {
              await sleep(1)
              trace.getTracer("plain").startActiveSpan("plain-in-facade", (span) => span.end())
            })
          )
        }).pipe(Effect.withSpan("effect-in-facade"))
      )
    })
    expect(parentOf("effect-in-facade")).toBe(idOf("facade-root"))
    expect(parentOf("facade-in-effect")).toBe(idOf("effect-in-facade"))
    expect(parentOf("plain-in-facade")).toBe(idOf("facade-in-effect"))
    expect(new Set(spans.all().map((span) => span.spanContext().traceId)).size).toBe(1)
  })

  it("plain API → facade and plain API → Effect", async () => {
    await trace.getTracer("plain").startActiveSpan("plain-root", async (span) => {
      await sleep(1)
      await traceAsync("facade-in-plain", () => sleep(1))
      await runTraced(Effect.withSpan(Effect.sleep(1), "effect-in-plain"))
      span.end()
    })
    expect(parentOf("facade-in-plain")).toBe(idOf("plain-root"))
    expect(parentOf("effect-in-plain")).toBe(idOf("plain-root"))
  })

  it("Effect → plain API: trace.getActiveSpan() is the Effect span", async () => {
    const [effectSpanId, activeSpanId] = await runTraced(
      Effect.gen(function*() {
        yield* Effect.sleep(1)
        const span = yield* Effect.currentSpan
        return [span.spanId, trace.getActiveSpan()?.spanContext().spanId] as const
      }).pipe(Effect.withSpan("effect-root"))
    )
    expect(activeSpanId).toBe(effectSpanId)
    expect(idOf("effect-root")).toBe(effectSpanId)
  })

  it("keeps concurrent Promise.all branches apart", async () => {
    await traceAsync("fan-out", () =>
      Promise.all(Array.from({ length: 20 }, (_, i) =>
        traceAsync(`branch-${i}`, async () => {
          await sleep((i * 7) % 5)
          await runTraced(Effect.withSpan(Effect.sleep((i * 3) % 4), `effect-${i}`))
          await sleep(i % 3)
          await traceAsync(`leaf-${i}`, async () => {})
        })
      )))
    for (let i = 0; i < 20; i++) {
      expect(parentOf(`branch-${i}`)).toBe(idOf("fan-out"))
      expect(parentOf(`effect-${i}`)).toBe(idOf(`branch-${i}`))
      expect(parentOf(`leaf-${i}`)).toBe(idOf(`branch-${i}`))
    }
  })

  it("keeps concurrent Effect fibers apart when they call the facade", async () => {
    await runTraced(
      Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) =>
          Effect.gen(function*() {
            yield* Effect.sleep(i % 4)
            yield* Effect.promise(() => traceAsync(`facade-${i}`, () => sleep(i % 3)))
          }).pipe(Effect.withSpan(`fiber-${i}`)),
        { concurrency: "unbounded", discard: true }
      ).pipe(Effect.withSpan("fibers"))
    )
    for (let i = 0; i < 20; i++) {
      expect(parentOf(`fiber-${i}`)).toBe(idOf("fibers"))
      expect(parentOf(`facade-${i}`)).toBe(idOf(`fiber-${i}`))
    }
  })

  it("times Effect's spans by the clock the facade's spans use: a child never starts before its parent", async () => {
    const start = (name: string) => hrTimeToNanoseconds(only(name).startTime)
    for (let i = 0; i < 20; i++) {
      await runTraced(Effect.promise(() => traceAsync(`facade-under-effect-${i}`, async () => {})).pipe(Effect.withSpan(`effect-over-facade-${i}`)))
      await traceAsync(`facade-over-effect-${i}`, () => runTraced(Effect.withSpan(Effect.void, `effect-under-facade-${i}`)))
    }
    for (let i = 0; i < 20; i++) {
      expect(start(`facade-under-effect-${i}`)).toBeGreaterThanOrEqual(start(`effect-over-facade-${i}`))
      expect(start(`effect-under-facade-${i}`)).toBeGreaterThanOrEqual(start(`facade-over-effect-${i}`))
    }
  })

  it("times a span with Effect's tracer timing off by that clock too, not at 1970", async () => {
    const before = Date.now()
    await runTraced(Effect.withSpan(Effect.void, "untimed").pipe(Effect.withTracerTiming(false)))
    expect(hrTimeToMilliseconds(only("untimed").startTime)).toBeGreaterThanOrEqual(before)
    expect(hrTimeToMilliseconds(only("untimed").endTime)).toBeLessThanOrEqual(Date.now() + 1)
  })

  it("keeps the times of a clock the fiber was given (a TestClock)", async () => {
    await runTraced(
      Effect.gen(function*() {
        yield* TestClock.setTime(1_700_000_000_000)
        yield* Effect.withSpan(TestClock.adjust("1 second"), "on-test-clock")
      }).pipe(Effect.provide(TestContext.TestContext))
    )
    const span = only("on-test-clock")
    expect(span.startTime).toEqual([1_700_000_000, 0])
    expect(span.endTime).toEqual([1_700_000_001, 0])
  })
})

describe("an application's own AsyncLocalStorage inside Effect", () => {
  it("is the value the fiber started with, in every operation and after awaits, beside the fiber's span", async () => {
    const requestId = new AsyncLocalStorage<string>()
    // A promise that settles inside another request's context, as a shared connection pool's do.
    let settle!: () => void
    const settledElsewhere = requestId.run("request-b", () => new Promise<void>((resolve) => (settle = resolve)))
    const seen = await requestId.run("request-a", () =>
      runTraced(
        Effect.gen(function*() {
          const first = requestId.getStore()
          yield* Effect.sync(() => setTimeout(() => requestId.run("request-b", settle), 1))
          yield* Effect.promise(() => settledElsewhere)
          const afterForeign = requestId.getStore()
          yield* Effect.sleep(1)
          const inPromise = yield* Effect.promise(async () => {
            await sleep(1)
            return [requestId.getStore(), trace.getActiveSpan()?.spanContext().spanId] as const
          })
          const inChild = yield* Effect.sync(() => requestId.getStore()).pipe(Effect.withSpan("als-child"))
          return { first, afterForeign, inPromise, inChild, span: (yield* Effect.currentSpan).spanId }
        }).pipe(Effect.withSpan("als-root"))
      ))
    expect(seen.first).toBe("request-a")
    expect(seen.afterForeign).toBe("request-a")
    expect(seen.inPromise).toEqual(["request-a", seen.span])
    expect(seen.inChild).toBe("request-a")
    expect(parentOf("als-child")).toBe(idOf("als-root"))
  })
})

describe("tracingHealth", () => {
  it("starts and ends a test span and reports its trace id and the counters", async () => {
    await traceAsync("before-health", async () => {})
    const health = tracingHealth()
    expect(health.enabled).toBe(true)
    expect(health.sampled).toBe(true)
    expect(health.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(only("tracing.health_check").spanContext().traceId).toBe(health.traceId)
    expect(only("tracing.health_check").attributes).toEqual({ test: true })
    expect(health.spansCreated).toBeGreaterThanOrEqual(2)
    expect(health.spansEnded).toBe(health.spansCreated)
    expect(health.samplingDecisions.recordAndSample).toBeGreaterThanOrEqual(2)
  })
})
