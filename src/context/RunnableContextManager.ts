/**
 * The OpenTelemetry AsyncLocalStorage context manager, with a direct way in for the Effect
 * tracer: Effect asks for the fiber's context around every operation (dozens per span), so
 * the API's indirections (global lookup and version check, argument spreading) add up there.
 *
 * @since 0.1.0
 */
import type { Context } from "@opentelemetry/api"
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks"
import type { AsyncLocalStorage } from "node:async_hooks"

/**
 * @example
 * ```ts
 * const manager = new RunnableContextManager().enable()
 * context.setGlobalContextManager(manager)
 * manager.run(ctx, () => trace.getActiveSpan())
 * ```
 */
export class RunnableContextManager extends AsyncLocalStorageContextManager {
  // The parent keeps its AsyncLocalStorage private; this is the same instance (should a later
  // version rename it, `with` serves instead).
  readonly storage = (this as unknown as { _asyncLocalStorage?: AsyncLocalStorage<Context> })._asyncLocalStorage

  /** `context.with(ctx, fn)` for a callback without arguments. */
  run<T>(ctx: Context, fn: () => T): T {
    return this.storage === undefined ? this.with(ctx, fn) : this.storage.run(ctx, fn)
  }
}
