/**
 * The process-wide OpenTelemetry globals: one `TracerProvider` and one `TextMapPropagator`
 * registered with `@opentelemetry/api` once, which forward to the tracing layer that is
 * currently active.
 *
 * The API lets a global be registered only once, and a tracer taken from the real provider
 * stays bound to it for good; forwarding instead lets layers come and go (a test per layer,
 * `initTracing` after `shutdownTracing`) while `trace.getTracer(..)` taken at module load keeps
 * working, and lets the facade and plain OpenTelemetry calls reach the same provider as Effect.
 *
 * @since 0.1.0
 */
import {
  type Context,
  context,
  diag,
  propagation,
  ProxyTracerProvider,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
  type Tracer,
  type TracerOptions,
  type TracerProvider
} from "@opentelemetry/api"
import { RunnableContextManager } from "../context/RunnableContextManager.js"
import { inactivePolicy, type TracingPolicy } from "./TracingPolicy.js"
import type { TracingStatsCounters } from "./TracingStats.js"

/** What one active tracing layer contributes to the globals. */
export interface Registration {
  readonly provider: TracerProvider
  readonly propagator: TextMapPropagator
  readonly stats: TracingStatsCounters
  /** The layer's policy, for the facade (Effect code gets it from its fiber). */
  readonly policy: TracingPolicy
}

const noopProvider: TracerProvider = new ProxyTracerProvider()
const noopPropagator: TextMapPropagator = {
  inject: () => {},
  extract: (ctx) => ctx,
  fields: () => []
}

class Registry {
  /** The most recent registration is the active one. */
  readonly stack: Array<Registration> = []
  globalsInstalled = false
  /** Our context manager, when it is the global one. */
  contextManager: RunnableContextManager | undefined = undefined

  get current(): Registration | undefined {
    return this.stack[this.stack.length - 1]
  }
}

// Kept on globalThis so that two copies of this module (the built package and its sources, or
// two versions in one node_modules tree) share one registry, like the API's own globals do.
const registryKey = Symbol.for("@blipee/tracing/registry")
const registry: Registry = ((globalThis as any)[registryKey] ??= new Registry())

class ForwardingTracer implements Tracer {
  private boundTo: TracerProvider | undefined = undefined
  private tracer: Tracer | undefined = undefined

  constructor(
    private readonly name: string,
    private readonly version: string | undefined,
    private readonly options: TracerOptions | undefined
  ) {}

  /** The active provider's tracer, looked up again only when the active provider changed. */
  private resolve(): Tracer {
    const provider = registry.current?.provider ?? noopProvider
    if (provider !== this.boundTo || this.tracer === undefined) {
      this.tracer = provider.getTracer(this.name, this.version, this.options)
      this.boundTo = provider
    }
    return this.tracer
  }

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    return this.resolve().startSpan(name, options, ctx)
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F
  ): ReturnType<F>
  startActiveSpan(name: string, ...rest: Array<any>): unknown {
    return (this.resolve().startActiveSpan as (...args: Array<unknown>) => unknown)(name, ...rest)
  }
}

/** The provider registered as the OpenTelemetry global. */
export const forwardingTracerProvider: TracerProvider = {
  getTracer: (name, version, options) => new ForwardingTracer(name, version, options)
}

const forwardingPropagator: TextMapPropagator = {
  inject: (ctx: Context, carrier: unknown, setter: TextMapSetter) =>
    (registry.current?.propagator ?? noopPropagator).inject(ctx, carrier, setter),
  extract: (ctx: Context, carrier: unknown, getter: TextMapGetter) =>
    (registry.current?.propagator ?? noopPropagator).extract(ctx, carrier, getter),
  fields: () => (registry.current?.propagator ?? noopPropagator).fields()
}

const installGlobals = () => {
  if (registry.globalsInstalled) return
  registry.globalsInstalled = true
  // Each of these returns false when the application registered its own first; ours then
  // stays out of the way, and spans of plain API calls go to the application's provider.
  if (!trace.setGlobalTracerProvider(forwardingTracerProvider)) {
    diag.warn("@blipee/tracing: a global TracerProvider was already registered; keeping it")
  }
  if (!propagation.setGlobalPropagator(forwardingPropagator)) {
    diag.warn("@blipee/tracing: a global propagator was already registered; keeping it")
  }
  // Without a context manager `trace.getActiveSpan()` never sees a span, in Effect or not.
  const manager = new RunnableContextManager().enable()
  if (context.setGlobalContextManager(manager)) registry.contextManager = manager
}

/**
 * Runs `fn` with `ctx` as the active OpenTelemetry context: straight through our context
 * manager when it is the global one, else through the API.
 *
 * @example
 * ```ts
 * runInContext(ctx, () => trace.getActiveSpan())
 * ```
 */
export const runInContext = <T>(ctx: Context, fn: () => T): T =>
  registry.contextManager !== undefined ? registry.contextManager.run(ctx, fn) : context.with(ctx, fn)

/**
 * The AsyncLocalStorage behind our context manager when it is the global one: callers that
 * nest without bound (a recursive `traceAsync`) run in it with no frame of ours in between.
 *
 * @example
 * ```ts
 * const storage = contextStorage()
 * storage === undefined ? context.with(ctx, fn) : storage.run(ctx, fn)
 * ```
 */
export const contextStorage = () => registry.contextManager?.storage

/**
 * Our context manager when it is the global one.
 *
 * @example
 * ```ts
 * const scope = runnableContextManager()?.capture()
 * ```
 */
export const runnableContextManager = () => registry.contextManager

/**
 * Makes a provider and propagator the active ones until the returned function is called.
 *
 * @example
 * ```ts
 * const release = register({ provider, propagator })
 * // trace.getTracer("x") now records through `provider`
 * release()
 * ```
 */
export const register = (registration: Registration): () => void => {
  installGlobals()
  registry.stack.push(registration)
  return () => {
    const index = registry.stack.lastIndexOf(registration)
    if (index >= 0) registry.stack.splice(index, 1)
  }
}

/** The active registration, if a tracing layer is running. */
export const activeRegistration = (): Registration | undefined => registry.current

/**
 * The policy of the active tracing layer, for code outside Effect (the facade); Effect code
 * reads its fiber's `currentTracingPolicy` instead.
 *
 * @example
 * ```ts
 * if (activePolicy().http.traces(url)) startClientSpan()
 * ```
 */
export const activePolicy = (): TracingPolicy => registry.current?.policy ?? inactivePolicy

/**
 * A tracer provider that someone other than us registered as the OpenTelemetry global
 * (`@vercel/otel`, the Node SDK, a hand-made `NodeTracerProvider`), if any.
 *
 * @example
 * ```ts
 * const theirs = foreignTracerProvider()
 * ```
 */
export const foreignTracerProvider = (): TracerProvider | undefined => {
  // The API registers its proxy and hands the provider to it as the delegate.
  const global = trace.getTracerProvider()
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global
  return provider === forwardingTracerProvider || provider === noopDelegate ? undefined : provider
}

/** What a proxy delegates to while nothing is registered (one shared no-op provider). */
const noopDelegate = new ProxyTracerProvider().getDelegate()
