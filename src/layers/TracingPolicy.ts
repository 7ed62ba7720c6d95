/**
 * What the traced services follow as they record: which outgoing HTTP calls are traced and
 * carry trace headers, which headers are recorded, what a chat span captures and how captured
 * content is masked. The tracing layer provides it as a `FiberRef`, the way Effect provides its
 * tracer, so it reaches every operation that runs under the layer (however the layers are
 * composed) and nothing reads it from process-wide state.
 *
 * @since 0.1.0
 */
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Layer from "effect/Layer"
import type { TracingSettings } from "../config.js"
import type { RedactionPolicy } from "../redaction/attributes.js"
import { type HttpPolicy, inactiveHttpPolicy, makeHttpPolicy } from "./httpPolicy.js"

/** The rules one tracing layer gives the services it runs. */
export interface TracingPolicy {
  readonly http: HttpPolicy
  readonly ai: TracingSettings["ai"]
  /** How captured content is masked; `undefined` when redaction is off. */
  readonly redaction: RedactionPolicy | undefined
}

/** Outside any tracing layer: no HTTP call traced, no content captured. */
export const inactivePolicy: TracingPolicy = {
  http: inactiveHttpPolicy,
  ai: { captureContent: false, prices: {}, sendBaggage: false },
  redaction: undefined
}

/**
 * @example
 * ```ts
 * makeTracingPolicy(settings).http.traces(new URL(settings.otlp.url)) // false: never the exporter's own calls
 * ```
 */
export const makeTracingPolicy = (settings: TracingSettings): TracingPolicy => ({
  http: makeHttpPolicy(settings.http, settings.exporters.includes("otlp") ? [settings.otlp.url] : []),
  ai: settings.ai,
  redaction: settings.redaction.enabled ? settings.redaction : undefined
})

/**
 * The policy of the tracing layer the current fiber runs under. Shared through `globalThis`
 * so that two copies of this module agree, as the registry does.
 */
export const currentTracingPolicy: FiberRef.FiberRef<TracingPolicy> = globalValue(
  Symbol.for("@blipee/tracing/currentTracingPolicy"),
  () => FiberRef.unsafeMake(inactivePolicy)
)

/**
 * Runs whatever uses the layer under `policy`, for the layer's lifetime.
 *
 * @example
 * ```ts
 * Layer.merge(layerEffectTracer(tracer), layerTracingPolicy(makeTracingPolicy(settings)))
 * ```
 */
export const layerTracingPolicy = (policy: TracingPolicy): Layer.Layer<never> =>
  Layer.locallyScoped(currentTracingPolicy, policy)
