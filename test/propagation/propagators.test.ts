import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags
} from "@opentelemetry/api"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { W3CBaggagePropagator, W3CTraceContextPropagator } from "../../src/entries/propagation.js"
import type { TracingOptions } from "../../src/index.js"
import { layerTest } from "../../src/entries/testing.js"

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const PARENT_ID = "00f067aa0ba902b7"
const w3c = new W3CTraceContextPropagator()

const extract = (headers: Record<string, string | Array<string>>) => w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter)

describe("W3CTraceContextPropagator", () => {
  it("extracts a remote parent with its tracestate", () => {
    const ctx = extract({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: "congo=t61rcWkgMzE" })
    const parent = trace.getSpanContext(ctx)!
    expect(parent).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true })
    expect(parent.traceState?.get("congo")).toBe("t61rcWkgMzE")
  })

  it("ignores tracestate when traceparent is invalid", () => {
    const ctx = extract({ traceparent: `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`, tracestate: "congo=t61rcWkgMzE" })
    expect(trace.getSpanContext(ctx)).toBeUndefined()
  })

  it("keeps traceparent when only tracestate is invalid", () => {
    const parent = trace.getSpanContext(extract({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: "a=1,B=2" }))!
    expect(parent.traceId).toBe(TRACE_ID)
    expect(parent.traceState).toBeUndefined()
  })

  // W3C test suite, test_tracestate_duplicated_keys: inherited, one entry per key.
  it("passes on a tracestate with a duplicated key, one entry per key", () => {
    for (const tracestate of ["foo=1,foo=2", ["foo=1", "foo=2"]]) {
      const ctx = extract({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-00`, tracestate })
      const out: Record<string, string> = {}
      w3c.inject(ctx, out, defaultTextMapSetter)
      expect(out.tracestate).toBe("foo=2")
    }
  })

  it("passes a remote context through unchanged, random flag included", () => {
    const ctx = extract({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-03`, tracestate: "rojo=00f067aa0ba902b7" })
    const out: Record<string, string> = {}
    w3c.inject(ctx, out, defaultTextMapSetter)
    expect(out).toEqual({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-03`, tracestate: "rojo=00f067aa0ba902b7" })
  })

  it.effect("sets the random flag on traces started here and carries the caller's on its children", () =>
    Effect.gen(function*() {
      const tracer = trace.getTracer("test")
      const headersOf = (parentContext: typeof ROOT_CONTEXT) => {
        const span = tracer.startSpan("child", {}, parentContext)
        const out: Record<string, string> = {}
        w3c.inject(trace.setSpan(parentContext, span), out, defaultTextMapSetter)
        span.end()
        return out.traceparent!
      }
      expect(headersOf(ROOT_CONTEXT)).toMatch(/-03$/)
      expect(headersOf(extract({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` }))).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`))
      expect(headersOf(extract({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-03` }))).toMatch(/-03$/)
    }).pipe(Effect.provide(layerTest())))

  it("puts its own vendor entry first when asked", () => {
    const vendor = new W3CTraceContextPropagator({ vendorKey: "blipee" })
    const ctx = extract({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: "congo=t61rcWkgMzE" })
    const local = trace.setSpanContext(ctx, { ...trace.getSpanContext(ctx)!, spanId: "b9c7c989f97918e1", isRemote: false })
    const out: Record<string, string> = {}
    vendor.inject(local, out, defaultTextMapSetter)
    expect(out.tracestate).toBe("blipee=b9c7c989f97918e1,congo=t61rcWkgMzE")
  })

  it("reads header names in any case and rejects a repeated traceparent", () => {
    expect(trace.getSpanContext(w3c.extract(ROOT_CONTEXT, new Headers({ TraceParent: `00-${TRACE_ID}-${PARENT_ID}-01` }), {
      get: (carrier, key) => carrier.get(key) ?? undefined,
      keys: (carrier) => [...carrier.keys()]
    }))?.traceId).toBe(TRACE_ID)
    expect(trace.getSpanContext(extract({ traceparent: [`00-${TRACE_ID}-${PARENT_ID}-01`, `00-${TRACE_ID}-${PARENT_ID}-01`] })))
      .toBeUndefined()
  })
})

describe("W3CBaggagePropagator", () => {
  it("round-trips entries with metadata through the header", () => {
    const b = new W3CBaggagePropagator()
    const ctx = b.extract(ROOT_CONTEXT, { baggage: "userId=alice,serverNode=DF%2028;region=eu" }, defaultTextMapGetter)
    expect(propagation.getBaggage(ctx)?.getEntry("serverNode")).toMatchObject({ value: "DF 28" })
    const out: Record<string, string> = {}
    b.inject(ctx, out, defaultTextMapSetter)
    expect(out.baggage).toBe("userId=alice,serverNode=DF%2028;region=eu")
  })
})

describe("OTEL_PROPAGATORS", () => {
  const injected = (propagators: TracingOptions["propagators"]) =>
    Effect.gen(function*() {
      const span = trace.getTracer("test").startSpan("outgoing")
      const out: Record<string, string> = {}
      propagation.inject(trace.setSpan(context.active(), span), out)
      span.end()
      return out
    }).pipe(Effect.provide(layerTest({ propagators })))

  it.effect("tracecontext and baggage by default", () =>
    Effect.map(injected(undefined), (out) => expect(Object.keys(out)).toEqual(["traceparent"])))

  it.effect("b3 (single header), b3multi and xray through the OpenTelemetry packages", () =>
    Effect.gen(function*() {
      expect(Object.keys(yield* injected(["b3"]))).toEqual(["b3"])
      expect(Object.keys(yield* injected(["b3multi"])).sort()).toEqual(["x-b3-sampled", "x-b3-spanid", "x-b3-traceid"])
      expect((yield* injected(["xray"]))["x-amzn-trace-id"]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/)
      expect(Object.keys(yield* injected(["tracecontext", "b3"])).sort()).toEqual(["b3", "traceparent"])
    }))
})
