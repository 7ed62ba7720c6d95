/**
 * `registerTracing()`: the one call for Next.js's `instrumentation.ts`.
 *
 * @since 0.1.0
 */
import { diag } from "@opentelemetry/api"
import type { TracingOptions } from "../config.js"
import { foreignTracerProvider } from "../layers/globalRegistration.js"
import { layerOnProvider, layerSettings } from "../layers/settingsLayer.js"
import { startTracing } from "./runtime.js"

const registeredKey = Symbol.for("@blipee/tracing/registered")

/**
 * Starts tracing once per process from the same configuration as `TracingLive` (the `OTEL_*`
 * environment, `options` on top), and flushes it when the process exits. When another
 * OpenTelemetry set-up already registered a tracer provider, that provider is used as it is:
 * nothing is registered twice. On the edge runtime it does nothing (Node-only APIs). Throws
 * an `Error` naming the variable or option when the configuration is invalid.
 *
 * @example
 * ```ts
 * // instrumentation.ts
 * export async function register() {
 *   if (process.env.NEXT_RUNTIME === "nodejs") {
 *     const { registerTracing } = await import("@blipee/tracing")
 *     registerTracing({ serviceName: "web" })
 *   }
 * }
 * ```
 */
export const registerTracing = (options: TracingOptions = {}): void => {
  if (process.env.NEXT_RUNTIME === "edge") {
    diag.debug("@blipee/tracing: registerTracing() does nothing on the edge runtime")
    return
  }
  const registry = globalThis as { [registeredKey]?: true }
  if (registry[registeredKey] === true) return
  const theirs = foreignTracerProvider()
  startTracing(options, theirs === undefined ? layerSettings : (settings) => layerOnProvider(settings, theirs))
  registry[registeredKey] = true
}
