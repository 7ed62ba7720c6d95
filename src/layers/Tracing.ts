/**
 * The tracing layers: OpenTelemetry tracing (resource, sampler, batch span processors,
 * exporters, redaction, self-monitoring) installed as Effect's tracer and behind the
 * OpenTelemetry API globals for as long as the layer lives, configured in code or from the
 * `OTEL_*` environment.
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { resolveSettings, settingsFromEnvironment, type TracingOptions } from "../config.js"
import { layerSettings } from "./settingsLayer.js"
import type { TracingStats } from "./TracingStats.js"

/**
 * Tracing from settings given in code; nothing is read from the environment.
 * Invalid options fail the layer with a `ConfigError` naming the option.
 *
 * @example
 * ```ts
 * program.pipe(Effect.provide(Tracing.layer({ serviceName: "worker", exporters: ["console"] })))
 * ```
 */
export const layer = (options: TracingOptions = {}): Layer.Layer<TracingStats, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(resolveSettings(options), layerSettings))

/**
 * Tracing configured from the `OTEL_*` environment variables, with `overrides` from code on
 * top. Invalid values fail the layer with a `ConfigError` naming the variable.
 *
 * @example
 * ```ts
 * program.pipe(Effect.provide(Tracing.layerConfig({ serviceName: "worker" })))
 * ```
 */
export const layerConfig = (
  overrides: TracingOptions = {}
): Layer.Layer<TracingStats, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(settingsFromEnvironment(overrides), layerSettings))
