/**
 * Test set-up for code that uses the Promise facade.
 *
 * @since 0.1.0
 */
import { resolveSettings, type TracingOptions } from "../config.js"
import { layerSettings } from "../layers/settingsLayer.js"
import { MemorySpans, testOptions } from "../layers/TracingTest.js"
import { startTracingWith } from "./runtime.js"

/**
 * Starts the facade's tracing with spans kept in memory (synchronously, as each ends) and
 * returns them for assertions. Call `shutdownTracing()` when done. Like `TracingTest`, it reads
 * nothing from the environment: `OTEL_SDK_DISABLED=true` in CI does not empty a test's spans.
 *
 * @example
 * ```ts
 * const spans = initTestTracing()
 * await traceAsync("work", async () => 1)
 * expect(spans.byName("work")).toHaveLength(1)
 * ```
 */
export const initTestTracing = (options: TracingOptions = {}): MemorySpans => {
  const memory = new MemorySpans()
  startTracingWith(resolveSettings(testOptions(memory, options)), layerSettings)
  return memory
}
