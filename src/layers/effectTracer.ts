/**
 * Effect's tracer over an OpenTelemetry tracer: every `Effect.withSpan` is one OpenTelemetry
 * span, and while a fiber runs, the OpenTelemetry context holds its current span, baggage and
 * tenant, so that propagators, span processors and facade code called from Effect see them.
 *
 * It does what `@effect/opentelemetry`'s tracer does (and brands its spans the same way, so
 * `Tracer.currentOtelSpan` keeps working), on a shorter path: Effect asks a tracer for the
 * fiber's context around every single operation, so the context is built once per change of
 * span, baggage or tenant and reused, a child span starts from that context as it is, and
 * inside a run of the fiber the context is entered only when it changed (`fiberSegments.ts`).
 *
 * @since 0.1.0
 */
import {
  type Attributes,
  type AttributeValue,
  type Context as OtelContext,
  context as otelContext,
  type HrTime,
  type Link,
  type Span as OtelApiSpan,
  type SpanContext,
  SpanKind,
  trace,
  TraceFlags,
  type Tracer as OtelApiTracer
} from "@opentelemetry/api"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import type * as FiberRef from "effect/FiberRef"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import type { AsyncResource } from "node:async_hooks"
import { BaggageRef, TenantRef } from "../context/contextRefs.js"
import { externalSpanContext } from "../context/bridge.js"
import { RequestScope, scopeOf, withScope } from "../context/scope.js"
import { STATUS_INTERRUPTED } from "../semconv.js"
import { runInContext, runnableContextManager } from "./globalRegistration.js"
import { enterInSegment, fiberSegmentsScoped, type Home, homeOf, isCurrent, type SegmentFiber } from "./fiberSegments.js"
import { recordCause } from "./spanFailure.js"

/** The brand `@effect/opentelemetry` gives its spans: `currentOtelSpan` returns their `span`. */
const OtelSpanBrand: unique symbol = Symbol.for("@effect/opentelemetry/Tracer/OtelSpan") as never

const kinds: Record<Tracer.SpanKind, SpanKind> = {
  internal: SpanKind.INTERNAL,
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER
}

const NANOS_PER_SECOND = 1_000_000_000n
const hrTime = (nanos: bigint): HrTime => [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)]

/** Effect's own clock, the one every fiber has unless given another. */
const liveClock = Effect.runSync(Effect.clock)
const currentFiberKey = "effect/FiberCurrent"

/**
 * Whether a span starting now takes its times from the SDK rather than from Effect: yes under
 * Effect's live clock (with tracer timing on or off), so that Effect's spans and those of the
 * facade and of instrumented libraries, which nest in one trace, read one clock. The two
 * real-time clocks differ: the SDK takes each span's start from `Date.now()` (whole
 * milliseconds) and Effect from an origin fixed at start-up plus the monotonic clock, which
 * drifts from the wall clock as the process runs, so a facade child could appear to start
 * before its Effect parent. A clock of the fiber's own (a `TestClock`, `Effect.withClock`)
 * keeps its times.
 */
const timedBySdk = (): boolean => {
  const fiber = (globalThis as Record<string, unknown>)[currentFiberKey] as
    | { readonly currentDefaultServices?: Context.Context<never> }
    | undefined
  const services = fiber?.currentDefaultServices
  return services === undefined || services.unsafeMap.get(Clock.Clock.key) === liveClock
}

const toAttributeValue = (value: unknown): AttributeValue =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? value
    : typeof value === "bigint"
    ? value.toString()
    : Inspectable.toStringUnknown(value)

const toAttributes = (record: Record<string, unknown>): Attributes => {
  const attributes: Attributes = {}
  for (const key in record) attributes[key] = toAttributeValue(record[key])
  return attributes
}

/** An Effect span that holds an OpenTelemetry span. */
interface WithOtelSpan {
  readonly [OtelSpanBrand]: unknown
  readonly span: OtelApiSpan
}
const otelSpanOf = (span: Tracer.AnySpan): OtelApiSpan | undefined =>
  OtelSpanBrand in span ? (span as unknown as WithOtelSpan).span : undefined

/** The span context of any Effect span: the real span's, or that of a remote parent. */
const spanContextOf = (span: Tracer.AnySpan): SpanContext =>
  otelSpanOf(span)?.spanContext() ??
    (span._tag === "ExternalSpan"
      ? externalSpanContext(span)
      : { traceId: span.traceId, spanId: span.spanId, traceFlags: span.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE })

/** The OpenTelemetry context with `span` as its span. */
const withParent = (base: OtelContext, span: Tracer.AnySpan): OtelContext => {
  const otel = otelSpanOf(span)
  if (otel === undefined) return trace.setSpanContext(base, spanContextOf(span))
  return trace.getSpan(base) === otel ? base : trace.setSpan(base, otel)
}

const linksOf = (spanLinks: ReadonlyArray<Tracer.SpanLink>): Array<Link> =>
  spanLinks.map((link) => ({ context: spanContextOf(link.span), attributes: toAttributes(link.attributes) }))

class BridgeSpan implements Tracer.Span, WithOtelSpan {
  readonly [OtelSpanBrand] = OtelSpanBrand
  readonly _tag = "Span"
  readonly span: OtelApiSpan
  readonly spanId: string
  readonly traceId: string
  readonly sampled: boolean
  readonly attributes = new Map<string, unknown>()
  status: Tracer.SpanStatus
  /** The attributes given to `withSpan`: set at start (samplers see them), so not set again when Effect replays them. */
  private initial: Record<string, unknown> | undefined
  /** Whether the OpenTelemetry span's times are the SDK's (`timedBySdk`), not Effect's. */
  private readonly sdkTimed: boolean

  constructor(
    tracer: OtelApiTracer,
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    readonly links: Array<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    parentContext: OtelContext,
    initial: Record<string, unknown> | undefined
  ) {
    this.initial = initial
    this.sdkTimed = timedBySdk()
    this.span = tracer.startSpan(name, {
      ...(this.sdkTimed ? {} : { startTime: hrTime(startTime) }),
      kind: kinds[kind],
      ...(initial === undefined ? {} : { attributes: toAttributes(initial) }),
      ...(links.length === 0 ? {} : { links: linksOf(links) })
    }, parentContext)
    const spanContext = this.span.spanContext()
    this.spanId = spanContext.spanId
    this.traceId = spanContext.traceId
    this.sampled = (spanContext.traceFlags & 1) === 1
    this.status = { _tag: "Started", startTime }
  }

  attribute(key: string, value: unknown): void {
    const initial = this.initial
    if (initial === undefined || initial[key] !== value) {
      // Another value for a key given at start: from here on, values apply in the order they come.
      if (initial !== undefined && key in initial) this.initial = undefined
      this.span.setAttribute(key, toAttributeValue(value))
    }
    this.attributes.set(key, value)
  }

  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.span.addEvent(name, attributes === undefined ? undefined : toAttributes(attributes), this.timeOf(startTime))
  }

  addLinks(added: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...added)
    this.span.addLinks(linksOf(added))
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    const time = this.timeOf(endTime)
    // Success leaves the status unset, as the facade's spans do: the trace API says instrumentation
    // sets OK only when configured to (`@effect/opentelemetry` sets it; we follow the API).
    if (exit._tag === "Failure") {
      if (Cause.isInterruptedOnly(exit.cause)) {
        // Interrupted is not failed: the caller went away.
        this.span.setAttribute("span.label", "⚠︎ Interrupted")
        this.span.setAttribute(STATUS_INTERRUPTED, true)
      } else {
        recordCause(this.span, exit.cause, time)
      }
    }
    this.span.end(time)
  }

  /** Effect's time for the OpenTelemetry span, or none when the SDK times it. */
  private timeOf(nanos: bigint): HrTime | undefined {
    return this.sdkTimed ? undefined : hrTime(nanos)
  }
}
/** A fiber's OpenTelemetry context and what it was built from. */
interface Built {
  span: Tracer.AnySpan | undefined
  baggage: unknown
  tenant: unknown
  context: OtelContext
}

/**
 * What the context of a fiber was last built from, that context, and the way into it. The one
 * before is kept too: a span's end goes back to it.
 */
interface ContextCache extends Built {
  readonly home: Home
  /** The fiber's (immutable) FiberRefs: while they stay the same object, nothing changed. */
  refs: unknown
  previous: Built | undefined
  /** The way into `scopeContext` (built when first needed: a fiber running in segments never does). */
  scope: AsyncResource | undefined
  scopeContext: OtelContext | undefined
}
const cacheKey = Symbol.for("@blipee/tracing/fiber-otel-context")

/** The runtime fiber's members this tracer reads (`currentSpan` is not in the public type). */
interface RuntimeFiber extends SegmentFiber {
  readonly currentSpan: Tracer.AnySpan | undefined
  getFiberRef<A>(ref: FiberRef.FiberRef<A>): A
  [cacheKey]?: ContextCache
}

/** The innermost span to propagate: one marked `DisablePropagation` hands over to its parent. */
const propagated = (span: Tracer.AnySpan | undefined): Tracer.AnySpan | undefined => {
  while (span !== undefined && Context.get(span.context, Tracer.DisablePropagation)) {
    span = span._tag === "Span" ? Option.getOrUndefined(span.parent) : undefined
  }
  return span
}

const buildContext = (home: OtelContext, span: Tracer.AnySpan | undefined, baggage: RequestScope["baggage"], tenant: RequestScope["tenant"]) => {
  // A scope found in the home context is not this fiber's unless it has values of its own.
  const own = baggage.size > 0 || tenant !== undefined
  const scoped = own ? withScope(home, new RequestScope(baggage, tenant)) : scopeOf(home) === undefined ? home : withScope(home, undefined)
  const current = propagated(span)
  return current === undefined ? scoped : withParent(scoped, current)
}

/** The way into `context` from the fiber's home: the home's own when nothing was added to it. */
const scopeFor = (home: Home, context: OtelContext): AsyncResource | undefined => {
  const manager = runnableContextManager()
  if (manager?.framed !== true || home.scope === undefined) return undefined
  return context === home.context ? home.scope : manager.enterable(context, home.scope)
}

/** The fiber's OpenTelemetry context and the way into it, rebuilt only when its span, baggage or tenant changed. */
const fiberContext = (fiber: RuntimeFiber): ContextCache => {
  let cache = fiber[cacheKey]
  const refs = fiber._fiberRefs
  if (cache !== undefined && refs !== undefined && cache.refs === refs) return cache
  const span = fiber.currentSpan
  const baggage = fiber.getFiberRef(BaggageRef)
  const tenant = fiber.getFiberRef(TenantRef)
  if (cache === undefined) {
    const home = homeOf(fiber)
    const context = buildContext(home.context, span, baggage, tenant)
    cache = { home, refs, span, baggage, tenant, context, previous: undefined, scope: undefined, scopeContext: undefined }
    fiber[cacheKey] = cache
    return cache
  }
  cache.refs = refs
  if (cache.span !== span || cache.baggage !== baggage || cache.tenant !== tenant) {
    let previous = cache.previous
    const context = previous !== undefined && previous.span === span && previous.baggage === baggage && previous.tenant === tenant
      ? previous.context
      : buildContext(cache.home.context, span, baggage, tenant)
    // One record, rewritten: this runs twice a span.
    previous ??= cache.previous = { span: undefined, baggage: undefined, tenant: undefined, context }
    previous.span = cache.span
    previous.baggage = cache.baggage
    previous.tenant = cache.tenant
    previous.context = cache.context
    cache.span = span
    cache.baggage = baggage
    cache.tenant = tenant
    cache.context = context
  }
  return cache
}

/** The way into the fiber's context from its home, for an operation run outside a segment. */
const enterableOf = (cache: ContextCache): AsyncResource | undefined => {
  if (cache.scopeContext !== cache.context) {
    cache.scope = scopeFor(cache.home, cache.context)
    cache.scopeContext = cache.context
  }
  return cache.scope
}

/**
 * Runs one operation of a fiber in the fiber's context. One function for every tracer of the
 * process (the facade's and each layer's): Effect calls it around every operation, and one
 * target there costs less than one per tracer.
 */
const runInFiberContext = <X>(execution: () => X, fiber: Fiber.RuntimeFiber<any, any>): X => {
  const runtime = fiber as unknown as RuntimeFiber
  if (isCurrent(runtime)) return execution()
  const cache = fiberContext(runtime)
  if (enterInSegment(runtime, cache.context)) return execution()
  const scope = enterableOf(cache)
  return scope === undefined ? runInContext(cache.context, execution) : scope.runInAsyncScope(execution)
}

/**
 * @example
 * ```ts
 * const tracer = makeEffectTracer(provider.getTracer("svc"))
 * ```
 */
export const makeEffectTracer = (otelTracer: OtelApiTracer): Tracer.Tracer =>
  Tracer.make({
    span(name, parent, context, spanLinks, startTime, kind, options) {
      const active = otelContext.active()
      let effectParent = parent
      let parentContext: OtelContext
      if (parent._tag === "Some") {
        parentContext = withParent(active, parent.value)
      } else if (options?.root === true) {
        parentContext = trace.deleteSpan(active)
      } else {
        // No Effect parent: an OpenTelemetry span active here (the facade's, Next.js's) is one.
        const otelParent = trace.getSpan(active)?.spanContext()
        parentContext = active
        if (otelParent !== undefined && trace.isSpanContextValid(otelParent)) {
          effectParent = Option.some(Tracer.externalSpan({
            spanId: otelParent.spanId,
            traceId: otelParent.traceId,
            sampled: (otelParent.traceFlags & 1) === 1,
            context
          }))
        }
      }
      return new BridgeSpan(otelTracer, name, effectParent, context, spanLinks.slice(), startTime, kind, parentContext, options?.attributes)
    },
    context: runInFiberContext
  })

/**
 * Installs that tracer as Effect's tracer, with the supervisor that lets it enter a fiber's
 * context once per run of the fiber (`fiberSegments.ts`).
 *
 * @example
 * ```ts
 * Effect.provide(program, layerEffectTracer(provider.getTracer("svc")))
 * ```
 */
export const layerEffectTracer = (otelTracer: OtelApiTracer): Layer.Layer<never> =>
  Layer.scopedDiscard(Effect.zipRight(Effect.withTracerScoped(makeEffectTracer(otelTracer)), fiberSegmentsScoped))
