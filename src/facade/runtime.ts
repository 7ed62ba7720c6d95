/**
 * The facade's process-wide runtime: `initTracing`, `shutdownTracing`, `runTraced`.
 *
 * The facade always records through the OpenTelemetry globals that the active tracing layer
 * forwards to, so its spans, Effect's and plain API calls land in one provider: the one that
 * `initTracing` started, or a `TracingLive` / `TracingTest` layer the application runs itself.
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { context, diag, trace, type Tracer } from "@opentelemetry/api"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Layer from "effect/Layer"
import { resolveSettings, settingsFromEnvironment, type TracingOptions, type TracingSettings } from "../config.js"
import { withContextValues } from "../context/bridge.js"
import { OtelParentSpan } from "../context/OtelParentSpan.js"
import { layerEffectTracer } from "../layers/effectTracer.js"
import { activeRegistration, forwardingTracerProvider } from "../layers/globalRegistration.js"
import { layerSettings } from "../layers/settingsLayer.js"
import { currentTracingPolicy } from "../layers/TracingPolicy.js"
import type { TracingStats } from "../layers/TracingStats.js"
import { VERSION } from "../version.js"

interface FacadeState {
  /** The runtime that owns the provider `initTracing` started; undefined before the first use. */
  owned: ManagedRuntime.ManagedRuntime<TracingStats, never> | undefined
  exitHookInstalled: boolean
  /** A shutdown in progress: a second caller waits for the same flush. */
  closing: Promise<void> | undefined
}

const stateKey = Symbol.for("@blipee/tracing/facade")
const state: FacadeState = ((globalThis as any)[stateKey] ??= { owned: undefined, exitHookInstalled: false, closing: undefined })

/** The tracer every facade span starts from. */
export const facadeTracer: Tracer = forwardingTracerProvider.getTracer("@blipee/tracing", VERSION)

/** Runs Effect programs with an Effect tracer over the forwarding tracer: it owns nothing. */
const effectRuntime = ManagedRuntime.make(layerEffectTracer(facadeTracer))

/**
 * Starts tracing for this process from the `OTEL_*` environment, with `options` on top, and
 * returns once the provider is installed. Calling it again replaces the previous set-up (whose
 * pending spans are flushed). Throws an `Error` naming the variable or option when the
 * configuration is invalid.
 *
 * @example
 * ```ts
 * initTracing({ serviceName: "billing" })
 * ```
 */
export const initTracing = (options: TracingOptions = {}): void => startTracing(options, layerSettings)

/**
 * Starts the facade's runtime on the layer `make` builds from the configuration, replacing
 * the previous one, and flushes it when the process exits.
 */
export const startTracing = (
  options: TracingOptions,
  make: (settings: TracingSettings) => Layer.Layer<TracingStats>
): void => startTracingWith(Effect.runSync(Effect.either(settingsFromEnvironment(options))), make)

/**
 * Starts the facade's runtime on resolved settings (or throws the configuration error), as
 * `startTracing` does after reading the environment.
 */
export const startTracingWith = (
  settings: Either.Either<TracingSettings, ConfigError.ConfigError>,
  make: (settings: TracingSettings) => Layer.Layer<TracingStats>
): void => {
  if (Either.isLeft(settings)) {
    throw new Error(`@blipee/tracing: invalid configuration: ${settings.left.message}`)
  }
  const previous = state.owned
  const runtime = ManagedRuntime.make(make(settings.right))
  // Building now (the layer builds synchronously) installs the provider before we return.
  runtime.runSync(Effect.void)
  state.owned = runtime
  if (previous !== undefined) void previous.dispose()
  if (!state.exitHookInstalled) {
    state.exitHookInstalled = true
    // Batched spans would be lost when the event loop empties; flush them first.
    process.on("beforeExit", () => void shutdownTracing())
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, flushOnSignal)
  }
}

/**
 * On SIGTERM or SIGINT, flush before the process goes. When nothing else listens for the
 * signal, it is raised again afterwards, so the process ends as it would have without us; an
 * application with its own handler keeps control of its exit.
 */
const flushOnSignal = (signal: NodeJS.Signals) => {
  void shutdownTracing().finally(() => {
    if (process.listenerCount(signal) > 1) return
    process.off(signal, flushOnSignal)
    process.kill(process.pid, signal)
  })
}

/**
 * Flushes every pending span and shuts the facade's tracing down. A later facade call starts
 * it again from the environment.
 *
 * @example
 * ```ts
 * await shutdownTracing()
 * ```
 */
export const shutdownTracing = (): Promise<void> => {
  if (state.closing !== undefined) return state.closing
  const runtime = state.owned
  state.owned = undefined
  if (runtime === undefined) return Promise.resolve()
  const closing = runtime.dispose().finally(() => {
    state.closing = undefined
  })
  state.closing = closing
  return closing
}

/**
 * Makes sure some tracing is active before a facade call: the application's own layer, or one
 * started from the environment. A bad environment must not break the program: it is reported
 * once and tracing stays off.
 */
export const ensureTracing = (): void => {
  if (state.owned !== undefined || activeRegistration() !== undefined) return
  try {
    initTracing()
  } catch (error) {
    diag.error(String(error))
    console.warn(`${String(error)}; tracing is disabled`)
    state.owned = ManagedRuntime.make(layerSettings(Either.getOrThrow(resolveSettings({ enabled: false }))))
  }
}

/**
 * Runs an Effect on the facade's runtime: its spans record through the active tracing set-up
 * and nest under the span active where `runTraced` is called. Aborting `signal` interrupts it
 * (its spans end as interrupted).
 *
 * @example
 * ```ts
 * await traceAsync("handler", () => runTraced(Effect.withSpan(loadUser(id), "load_user")))
 * ```
 */
export const runTraced = <A, E>(effect: Effect.Effect<A, E>, options: { readonly signal?: AbortSignal } = {}): Promise<A> => {
  ensureTracing()
  const active = context.active()
  // The caller's baggage and tenant go in; baggage the effect sets comes back out.
  const program = withContextValues(active)(effect)
  const run = options.signal === undefined ? {} : { signal: options.signal }
  const registration = activeRegistration()
  if (registration === undefined) return effectRuntime.runPromise(Effect.withTracerEnabled(program, false), run)
  // The parent is passed explicitly: Effect's scheduler may resume fibers in another async context.
  const span = trace.getSpan(active)
  const parent = span?.spanContext()
  // The effect follows the active layer's policy, as it would run under the layer itself.
  const governed = Effect.locally(program, currentTracingPolicy, registration.policy)
  return effectRuntime.runPromise(
    span === undefined || parent === undefined || !trace.isSpanContextValid(parent)
      ? governed
      : Effect.withParentSpan(
        governed,
        // A span of this process is a local parent; only an extracted one is remote.
        parent.isRemote === true ? OtelTracer.makeExternalSpan(parent) : new OtelParentSpan(span, "runTraced")
      ),
    run
  )
}
