import { propagation, trace } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { Baggage, runTraced, shutdownTracing, Tenant, traceAsync } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"
import { baggage, extractTraceContext, injectTraceContext } from "../../src/entries/propagation.js"
import { withTracing } from "../../src/entries/middleware.js"

const spans = initTestTracing()
beforeEach(() => spans.reset())
afterAll(() => shutdownTracing())

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const PARENT_ID = "00f067aa0ba902b7"
const traceparent = `00-${TRACE_ID}-${PARENT_ID}-01`

describe("extractTraceContext", () => {
  it.each([
    ["a Request", new Request("http://x/", { headers: { traceparent, tracestate: "congo=t61rcWkgMzE", baggage: "a=1" } })],
    ["Headers", new Headers({ TraceParent: traceparent, TraceState: "congo=t61rcWkgMzE", Baggage: "a=1" })],
    ["IncomingHttpHeaders", { traceparent, tracestate: "congo=t61rcWkgMzE", baggage: "a=1" }],
    ["a record with mixed-case names and arrays", { TraceParent: [traceparent], TRACESTATE: ["congo=t61rcWkgMzE"], Baggage: ["a=1"] }]
  ])("reads traceparent, tracestate and baggage from %s", (_, source) => {
    const ctx = extractTraceContext(source)
    const parent = trace.getSpanContext(ctx)!
    expect(parent).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID, isRemote: true })
    expect(parent.traceState?.serialize()).toBe("congo=t61rcWkgMzE")
    expect(propagation.getBaggage(ctx)?.getEntry("a")?.value).toBe("1")
  })

  it("ignores garbage without throwing", () => {
    for (const source of [{}, { traceparent: "garbage", baggage: ";;;,,,=" }, { traceparent: 42 as unknown as string }, new Headers()]) {
      expect(trace.getSpanContext(extractTraceContext(source))).toBeUndefined()
    }
  })
})

describe("injectTraceContext", () => {
  it("writes traceparent, tracestate and the request's baggage", async () => {
    let headers: Record<string, string> = {}
    await withTracing(async () => {
      baggage.set("user.id", "user-123")
      await traceAsync("outgoing", async () => {
        headers = injectTraceContext({ "content-type": "application/json" })
      })
      return new Response("ok")
    })(new Request("http://x/", { headers: { traceparent, tracestate: "congo=t61rcWkgMzE", baggage: "upstream=yes" } }))
    const outgoing = spans.byName("outgoing")[0]!
    expect(headers).toEqual({
      "content-type": "application/json",
      traceparent: `00-${TRACE_ID}-${outgoing.spanContext().spanId}-01`,
      tracestate: "congo=t61rcWkgMzE",
      baggage: "upstream=yes,user.id=user-123"
    })
  })

  it("writes into Fetch Headers too", async () => {
    const headers = await traceAsync("fetching", async () => injectTraceContext(new Headers()))
    expect(headers.get("traceparent")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/)
  })
})

describe("Effect code called from a request", () => {
  it("sees the request's baggage and tenant, and its baggage changes come back", async () => {
    let seen: unknown
    let after: unknown
    await withTracing(async () => {
      baggage.set("from.facade", "1")
      seen = await runTraced(Effect.gen(function*() {
        yield* Baggage.set("from.effect", "2")
        yield* Effect.withSpan(Effect.void, "effect-span")
        return { baggage: yield* Baggage.getAll, tenant: Option.getOrUndefined(yield* Tenant.current) }
      }).pipe(Effect.orDie))
      after = baggage.getAll()
      return new Response("ok")
    }, { tenant: () => ({ organizationId: "org-456", userId: "user-123" }) })(new Request("http://x/"))
    expect(seen).toEqual({
      baggage: { "from.facade": "1", "from.effect": "2" },
      tenant: { organizationId: "org-456", userId: "user-123" }
    })
    expect(after).toEqual({ "from.facade": "1", "from.effect": "2" })
    expect(spans.byName("effect-span")[0]!.attributes).toMatchObject({ "tenant.id": "org-456", "user.id": "user-123" })
  })

  it("gives facade code called from Effect the fiber's baggage", async () => {
    const seen = await runTraced(
      Effect.promise(() => traceAsync("facade", async () => baggage.getAll())).pipe(Baggage.withBaggage({ k: "v" }), Effect.orDie)
    )
    expect(seen).toEqual({ k: "v" })
  })
})
