/**
 * The OpenTelemetry AsyncLocalStorage context manager, with direct ways in for the Effect
 * tracer: Effect asks for the fiber's context around every operation (dozens per span), so
 * the API's indirections (global lookup and version check, argument spreading) add up there,
 * and on Node 24, where AsyncLocalStorage is built on AsyncContextFrame, every `run` copies the
 * frame twice (in and out, about 0.6 µs): there an `AsyncResource` made once in a context enters
 * it again for the price of a pointer swap (about 0.05 µs). Without frames (Node 20 and 22),
 * `run` only swaps a field, and is the cheaper way in.
 *
 * @since 0.1.0
 */
import type { Context } from "@opentelemetry/api"
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks"
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks"

const ENTERABLE = "blipee.tracing.context"

/**
 * Whether AsyncLocalStorage is built on AsyncContextFrame (Node 24 on; 22 behind a flag): then a
 * value entered inside `runInAsyncScope` is gone when it returns, instead of being written onto
 * the resource.
 */
const FRAMED = (() => {
  const probe = new AsyncLocalStorage<boolean>()
  const resource = new AsyncResource("blipee.tracing.probe")
  resource.runInAsyncScope(() => probe.enterWith(true))
  return resource.runInAsyncScope(() => probe.getStore()) === undefined
})()

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

  /** Whether to enter contexts through `capture`/`enterable` rather than `run`. */
  readonly framed = FRAMED && this.storage !== undefined

  /** The caller's whole async context, to enter again with `scope.runInAsyncScope(fn)`. */
  capture(): AsyncResource {
    return new AsyncResource(ENTERABLE)
  }

  /**
   * `base`'s async context (other AsyncLocalStorage values included) with `ctx` as the
   * OpenTelemetry one; only when `framed`. There `runInAsyncScope` puts the frame back itself, so
   * entering is enough: one frame made, not the two of `run`.
   */
  enterable(ctx: Context, base: AsyncResource): AsyncResource {
    return base.runInAsyncScope(() => {
      this.storage!.enterWith(ctx)
      return this.capture()
    })
  }
}
