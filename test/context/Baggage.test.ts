import { context, trace } from "@opentelemetry/api"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { injectHeaders } from "../../src/entries/propagation.js"
import { Baggage, Tenant } from "../../src/index.js"
import { layerTest, TestSpans, TracingTest } from "../../src/entries/testing.js"

describe("Baggage", () => {
  it.effect("sets, gets, lists and removes entries", () =>
    Effect.gen(function*() {
      yield* Baggage.set("user.id", "user-123")
      yield* Baggage.set("tenant.id", "tenant-456", "ttl=60")
      expect(yield* Baggage.get("user.id")).toEqual(Option.some("user-123"))
      expect(yield* Baggage.get("missing")).toEqual(Option.none())
      expect(yield* Baggage.getAll).toEqual({ "user.id": "user-123", "tenant.id": "tenant-456" })
      expect((yield* Baggage.entries).find((e) => e.key === "tenant.id")?.metadata).toBe("ttl=60")
      yield* Baggage.remove("user.id")
      expect(yield* Baggage.getAll).toEqual({ "tenant.id": "tenant-456" })
    }))

  it.effect("fails with a typed error for a key that is not a token", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(Baggage.set("bad key", "x"))
      expect(Either.isLeft(result) && result.left._tag).toBe("InvalidBaggageKey")
      const scoped = yield* Effect.either(Effect.void.pipe(Baggage.withBaggage({ "a,b": "x" })))
      expect(Either.isLeft(scoped) && scoped.left.message).toMatch(/invalid baggage key "a,b"/)
    }))

  it.effect("scopes withBaggage to the wrapped effect", () =>
    Effect.gen(function*() {
      const inside = yield* Baggage.getAll.pipe(Baggage.withBaggage({ region: "eu" }))
      expect(inside).toEqual({ region: "eu" })
      expect(yield* Baggage.getAll).toEqual({})
    }))

  it.live("follows fork, Effect.all with concurrency, forEach and streams", () =>
    Effect.gen(function*() {
      const forked = yield* Effect.fork(Baggage.get("k"))
      const all = yield* Effect.all([Baggage.get("k"), Effect.sleep(1).pipe(Effect.zipRight(Baggage.get("k")))], { concurrency: "unbounded" })
      const each = yield* Effect.forEach([1, 2, 3], () => Baggage.get("k"), { concurrency: 3 })
      const streamed = yield* Stream.range(1, 3).pipe(Stream.mapEffect(() => Baggage.get("k"), { concurrency: 2 }), Stream.runCollect)
      for (const value of [yield* Fiber.join(forked), ...all, ...each, ...streamed]) expect(value).toEqual(Option.some("v"))
    }).pipe(Baggage.withBaggage({ k: "v" })))

  it.effect("keeps what a child fiber sets in the child", () =>
    Effect.gen(function*() {
      yield* Effect.all([Baggage.set("child", "1"), Baggage.set("other", "2")], { concurrency: "unbounded" })
      expect(yield* Baggage.getAll).toEqual({})
    }))

  it.effect("is visible to OpenTelemetry code running inside the fiber, and to injected headers", () =>
    Effect.gen(function*() {
      const headers = yield* injectHeaders({} as Record<string, string>)
      expect(headers.baggage).toBe("user.id=user-123,note=caf%C3%A9%20au%20lait")
      expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/)
      const span = yield* Effect.currentSpan
      expect(headers.traceparent).toContain(span.spanId)
      // Plain OpenTelemetry propagation inside the fiber sees the same baggage.
      const { propagation } = yield* Effect.promise(() => import("@opentelemetry/api"))
      const plain: Record<string, string> = {}
      propagation.inject(context.active(), plain)
      expect(plain.baggage).toBe(headers.baggage)
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(span.spanId)
    }).pipe(Effect.withSpan("outgoing"), Baggage.withBaggage({ "user.id": "user-123", note: "café au lait" }), Effect.provide(TracingTest)))
})

describe("Tenant", () => {
  it.live("stamps every span started inside withTenant, in forked fibers too", () =>
    Effect.gen(function*() {
      yield* Effect.all([
        Effect.withSpan(Effect.sleep(1), "a"),
        Effect.fork(Effect.withSpan(Effect.void, "b")).pipe(Effect.flatMap(Fiber.join))
      ], { concurrency: "unbounded" }).pipe(
        Effect.withSpan("root"),
        Tenant.withTenant({ organizationId: "org-456", userId: "user-123" })
      )
      yield* Effect.withSpan(Effect.void, "outside")
      const spans = yield* TestSpans
      for (const name of ["root", "a", "b"]) {
        const [span] = yield* spans.byName(name)
        expect(span!.attributes).toMatchObject({ "tenant.id": "org-456", "user.id": "user-123" })
      }
      const [outside] = yield* spans.byName("outside")
      expect(outside!.attributes["tenant.id"]).toBeUndefined()
    }).pipe(Effect.provide(TracingTest)))

  it.effect("reads the current tenant", () =>
    Effect.gen(function*() {
      expect(yield* Tenant.current).toEqual(Option.none())
      expect(yield* Tenant.current.pipe(Tenant.withTenant({ organizationId: "org-1" })))
        .toEqual(Option.some({ organizationId: "org-1" }))
    }))

  it.effect("copies allow-listed baggage keys onto spans, and only those", () =>
    Effect.gen(function*() {
      yield* Effect.withSpan(Effect.void, "with-baggage").pipe(
        Baggage.withBaggage({ "request.priority": "high", "secret.note": "not for spans" })
      )
      const [span] = yield* (yield* TestSpans).byName("with-baggage")
      expect(span!.attributes["request.priority"]).toBe("high")
      expect(span!.attributes["secret.note"]).toBeUndefined()
    }).pipe(Effect.provide(layerTest({ baggageSpanAttributes: ["request.priority"] }))))
})
