import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { afterAll } from "vitest"
import { runTraced, shutdownTracing, traceAsync, tracer, TracingStats } from "../../src/index.js"
import { initTestTracing, layerTest } from "../../src/entries/testing.js"

/** Spans started and not ended so far. */
const live = Effect.map(TracingStats.snapshot, (stats) => stats.spansCreated - stats.spansEnded)

describe("no span outlives its operation (Effect)", () => {
  it.live("an interrupted fiber, a failure, a defect and a timed-out effect each end their spans", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.withSpan(Effect.never, "interrupted"))
      yield* Effect.sleep(10)
      yield* Fiber.interrupt(fiber)
      yield* Effect.ignore(Effect.withSpan(Effect.fail("failed"), "failure"))
      yield* Effect.ignore(Effect.sandbox(Effect.withSpan(Effect.die(new Error("defect")), "defect")))
      yield* Effect.ignore(Effect.withSpan(Effect.sleep("1 hour"), "slow").pipe(Effect.timeout("20 millis")))
      expect(yield* live).toBe(0)
      expect((yield* TracingStats.snapshot).spansCreated).toBe(4)
    }).pipe(Effect.provide(layerTest())))
})

describe("no span outlives its operation (facade)", () => {
  const spans = initTestTracing()
  afterAll(() => shutdownTracing())

  it("a thrown error, a rejected promise, a timed-out and an aborted runTraced each end their spans", async () => {
    await expect(traceAsync("throws", () => {
      throw new Error("sync")
    })).rejects.toThrow()
    await expect(tracer.startActiveSpan("rejects", async () => Promise.reject(new Error("async")))).rejects.toThrow()
    await expect(runTraced(Effect.withSpan(Effect.sleep("1 hour"), "slow").pipe(
      Effect.timeoutFail({ duration: "20 millis", onTimeout: () => "timeout" })
    ))).rejects.toBeDefined()
    const controller = new AbortController()
    const aborted = runTraced(Effect.withSpan(Effect.never, "never"), { signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    await expect(aborted).rejects.toBeDefined()
    expect(spans.all().map((span) => span.name).sort()).toEqual(["never", "rejects", "slow", "throws"])
    expect(spans.byName("never")[0]!.attributes["status.interrupted"]).toBe(true)
  })
})
