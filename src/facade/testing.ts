/**
 * Test set-up for code that uses the Promise facade.
 *
 * @since 0.1.0
 */
import type { TracingOptions } from "../config.js"
import { MemorySpans, testOptions } from "../layers/TracingTest.js"
import { initTracing } from "./runtime.js"

/**
 * Starts the facade's tracing with spans kept in memory (synchronously, as each ends) and
 * returns them for assertions. Call `shutdownTracing()` when done.
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
  initTracing(testOptions(memory, options))
  return memory
}
