/**
 * `TracingLive`: the tracing layer configured from the environment, as most services run it.
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import type * as Layer from "effect/Layer"
import { layerConfig } from "./Tracing.js"
import type { TracingStats } from "./TracingStats.js"

/**
 * Tracing configured from the environment: `OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_SAMPLING_RATE`, ... (see the README's table).
 *
 * @example
 * ```ts
 * Effect.runPromise(program.pipe(Effect.provide(TracingLive)))
 * ```
 */
export const TracingLive: Layer.Layer<TracingStats, ConfigError.ConfigError> = layerConfig()
