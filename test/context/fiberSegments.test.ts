/**
 * A fiber's context is entered once per run of the fiber (`layers/fiberSegments.ts`): it must
 * never be left behind for the code around the run, nor be missing inside it, whatever runs
 * the fiber and whatever changes while it runs.
 */
import { context, createContextKey, ROOT_CONTEXT, trace } from "@opentelemetry/api"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Supervisor from "effect/Supervisor"
import { AsyncLocalStorage } from "node:async_hooks"
import { afterAll, describe, expect, it } from "vitest"
import { Tracing } from "../../src/index.js"
import { TracingTest } from "../../src/entries/testing.js"

const runtime = ManagedRuntime.make(TracingTest)
afterAll(() => runtime.dispose())

const marker = createContextKey("caller")
const callerContext = ROOT_CONTEXT.setValue(marker, "caller")
const activeSpanId = () => trace.getActiveSpan()?.spanContext().spanId
const callerSees = () => context.active().getValue(marker)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("a fiber's context stays inside the fiber", () => {
  it("runSync, runPromise (before and after the fiber suspends) and runFork leave the caller's context as it was", async () => {
    await runtime.runPromise(Effect.void)
    await context.with(callerContext, async () => {
      runtime.runSync(Effect.withSpan(Effect.sync(() => activeSpanId()), "sync-run"))
      expect(callerSees()).toBe("caller")
      expect(trace.getActiveSpan()).toBeUndefined()

      let inside: string | undefined
      const pending = runtime.runPromise(
        Effect.gen(function*() {
          inside = activeSpanId()
          yield* Effect.sleep(2)
          return activeSpanId()
        }).pipe(Effect.withSpan("promise-run"))
      )
      // The fiber ran up to its sleep on this stack, in its span; none of that is left here.
      expect(inside).toMatch(/^[0-9a-f]{16}$/)
      expect(callerSees()).toBe("caller")
      expect(trace.getActiveSpan()).toBeUndefined()
      expect(await pending).toBe(inside)
      expect(callerSees()).toBe("caller")

      const fiber = runtime.runFork(Effect.withSpan(Effect.yieldNow(), "forked-run"))
      expect(trace.getActiveSpan()).toBeUndefined()
      await runtime.runPromise(Fiber.join(fiber))
      expect(callerSees()).toBe("caller")
    })
  })

  it("a fiber run from inside another's operation, in its own span or under context.with, hands the outer one its span back", async () => {
    const other = ROOT_CONTEXT.setValue(marker, "other")
    const seen = await runtime.runPromise(
      Effect.gen(function*() {
        const outer = activeSpanId()
        const nested = yield* Effect.sync(() => runtime.runSync(Effect.withSpan(Effect.sync(activeSpanId), "nested")))
        const afterNested = activeSpanId()
        // One that suspends: its first run happens on this stack, up to its sleep.
        const suspended = yield* Effect.sync(() => runtime.runPromise(Effect.withSpan(Effect.sleep(1), "nested-suspends")))
        const afterSuspended = activeSpanId()
        yield* Effect.promise(() => suspended)
        const underWith = yield* Effect.sync(() =>
          context.with(other, () => [runtime.runSync(Effect.sync(callerSees)), callerSees()] as const)
        )
        const afterWith = activeSpanId()
        yield* Effect.sleep(1)
        return { outer, nested, afterNested, afterSuspended, underWith, afterWith, afterSleep: activeSpanId() }
      }).pipe(Effect.withSpan("outer"))
    )
    expect(seen.nested).not.toBe(seen.outer)
    expect(seen.afterNested).toBe(seen.outer)
    expect(seen.afterSuspended).toBe(seen.outer)
    expect(seen.underWith).toEqual(["other", "other"])
    expect(seen.afterWith).toBe(seen.outer)
    expect(seen.afterSleep).toBe(seen.outer)
  })

  it("promises and timers made inside the fiber carry its span, on every turn of the loop", async () => {
    const seen = await runtime.runPromise(
      Effect.gen(function*() {
        const span = activeSpanId()
        const afterAwait = yield* Effect.promise(async () => {
          await sleep(1)
          return activeSpanId()
        })
        const inTimer = yield* Effect.async<string | undefined>((resume) => {
          setTimeout(() => resume(Effect.succeed(activeSpanId())), 1)
        })
        const child = yield* Effect.promise(async () => {
          await sleep(1)
          return [activeSpanId(), trace.getActiveSpan()?.spanContext().traceId] as const
        }).pipe(Effect.withSpan("child"))
        return { span, afterAwait, inTimer, child, back: activeSpanId() }
      }).pipe(Effect.withSpan("root"))
    )
    expect(seen.afterAwait).toBe(seen.span)
    expect(seen.inTimer).toBe(seen.span)
    expect(seen.child[0]).not.toBe(seen.span)
    expect(seen.back).toBe(seen.span)
  })

  it("a fiber woken by another fiber runs in its own span, not the waker's", async () => {
    const seen = await runtime.runPromise(
      Effect.gen(function*() {
        const gate = yield* Deferred.make<void>()
        const waiter = yield* Effect.fork(
          Effect.gen(function*() {
            const before = activeSpanId()
            yield* Deferred.await(gate)
            return [before, activeSpanId()] as const
          }).pipe(Effect.withSpan("waiter"))
        )
        yield* Effect.sleep(1)
        const waker = yield* Effect.withSpan(Effect.zipRight(Deferred.succeed(gate, undefined), Effect.sync(activeSpanId)), "waker")
        const [before, after] = yield* Fiber.join(waiter)
        return { before, after, waker }
      })
    )
    expect(seen.after).toBe(seen.before)
    expect(seen.after).not.toBe(seen.waker)
  })

  it("a supervisor added while the fiber runs, and a layer provided and released inside it, leave nothing behind", async () => {
    const layer = Tracing.layer({ exporters: ["none"] })
    await context.with(callerContext, async () => {
      const pending = Effect.runPromise(
        Effect.gen(function*() {
          const outer = activeSpanId()
          const supervised = yield* Effect.supervised(
            Effect.gen(function*() {
              yield* Effect.sleep(1)
              return activeSpanId()
            }).pipe(Effect.withSpan("supervised")),
            Supervisor.none
          )
          return { outer, supervised, after: activeSpanId() }
        }).pipe(Effect.withSpan("provided"), Effect.provide(layer))
      )
      expect(callerSees()).toBe("caller")
      expect(trace.getActiveSpan()).toBeUndefined()
      const seen = await pending
      expect(seen.supervised).toMatch(/^[0-9a-f]{16}$/)
      expect(seen.supervised).not.toBe(seen.outer)
      expect(seen.after).toBe(seen.outer)
      expect(callerSees()).toBe("caller")
      expect(trace.getActiveSpan()).toBeUndefined()
    })
  })

  it("a runtime with two tracing layers merged, run from inside another fiber, leaves nothing behind", async () => {
    const doubled = ManagedRuntime.make(Layer.merge(TracingTest, Tracing.layer({ exporters: ["none"] })))
    await doubled.runPromise(Effect.void)
    try {
      await context.with(callerContext, async () => {
        let inner: Promise<unknown> | undefined
        const pending = runtime.runPromise(
          Effect.gen(function*() {
            const outer = activeSpanId()
            inner = yield* Effect.sync(() => doubled.runPromise(Effect.withSpan(Effect.sleep(1), "doubled")))
            const after = activeSpanId()
            yield* Effect.sleep(1)
            return { outer, after }
          }).pipe(Effect.withSpan("single"))
        )
        expect(callerSees()).toBe("caller")
        expect(trace.getActiveSpan()).toBeUndefined()
        const seen = await pending
        expect(seen.after).toBe(seen.outer)
        await inner
        expect(trace.getActiveSpan()).toBeUndefined()
      })
    } finally {
      await doubled.dispose()
    }
  })

  it("an application's own AsyncLocalStorage keeps the value the fiber was started with after another request's fiber wakes it", async () => {
    const requestId = new AsyncLocalStorage<string>()
    const gate = await runtime.runPromise(Deferred.make<void>())
    const waiting = requestId.run("request-a", () =>
      runtime.runPromise(Effect.gen(function*() {
        yield* Deferred.await(gate)
        return requestId.getStore()
      }).pipe(Effect.withSpan("request-a")))
    )
    await sleep(1)
    await requestId.run("request-b", () => runtime.runPromise(Deferred.succeed(gate, undefined).pipe(Effect.withSpan("request-b"))))
    expect(await waiting).toBe("request-a")
  })
})
