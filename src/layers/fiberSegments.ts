/**
 * A fiber's OpenTelemetry context entered once per run of the fiber, not once per operation.
 *
 * Effect runs a fiber in segments: the run loop takes it up (`Supervisor.onResume`), runs
 * operations until the fiber suspends on something asynchronous or ends, and lets it go
 * (`onSuspend`). Effect asks the tracer for the fiber's context around every operation (dozens
 * per span); wrapping each in `AsyncLocalStorage.run` or `runInAsyncScope` cost a span 1–3 µs
 * on Node 24 (Effect's own floor is 10–20). Inside a segment the tracer instead enters the
 * fiber's context when it differs from what is active (twice a span) and leaves it active; the
 * supervisor puts back what was active before when the segment ends, so the code around the run
 * (the caller of `runPromise`, the scheduler) never sees the fiber's context. Promises and
 * timers made by the fiber's operations capture it as they would under `run`.
 *
 * A segment is trusted only while the fiber's supervisor is the one it began with: a fiber whose
 * supervisor changes (ours removed, another added) leaves its segment at once and goes back to
 * entering the context per operation, and the layer's release leaves it before the tracer goes.
 * What neither can see: code inside the fiber that replaces the tracer and then removes the
 * supervisor, and suspends under both; that run ends with the fiber's context still active.
 *
 * @since 0.1.0
 */
import { type Context as OtelContext, context as otelContext } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Scheduler from "effect/Scheduler"
import * as Supervisor from "effect/Supervisor"
import type { AsyncLocalStorage, AsyncResource } from "node:async_hooks"
import { contextStorage, runnableContextManager } from "./globalRegistration.js"

// This copy's own: two copies of the library (each with its own supervisor and `running`) keep
// apart the segments they begin on the same fiber.
const segmentKey = Symbol("@blipee/tracing/fiber-segment")
const homeKey = Symbol.for("@blipee/tracing/fiber-home")

/** The runtime fiber's members segments use (`currentSupervisor` and `_fiberRefs` are not in the public type). */
export interface SegmentFiber {
  readonly currentSupervisor: unknown
  readonly _fiberRefs?: unknown
  [segmentKey]?: Segment | undefined
  [homeKey]?: Home
}

/**
 * The OpenTelemetry context a fiber started in, and the way back into the whole async context
 * it started in (when our context manager is the global one). A fiber resumes wherever what it
 * waited for settled (inside a finished span's context, or another request's): the context it
 * started in is the one that counts. A forked fiber inherits its parent's (the supervisor sees
 * the fork), so it does not depend on where the scheduler first runs it.
 */
export interface Home {
  readonly context: OtelContext
  readonly scope: AsyncResource | undefined
}

/**
 * The fiber's home: its parent's, or the context active where it first runs (a fiber a runtime
 * starts runs at once, in its caller's context).
 *
 * @example
 * ```ts
 * const { context } = homeOf(fiber)
 * ```
 */
export const homeOf = (fiber: SegmentFiber): Home =>
  fiber[homeKey] ??= { context: otelContext.active(), scope: runnableContextManager()?.capture() }

/** One run of a fiber. */
interface Segment {
  readonly fiber: SegmentFiber
  readonly storage: AsyncLocalStorage<OtelContext>
  /** The fiber's supervisor when the segment began: while it stays, so does the segment. */
  readonly supervisor: unknown
  /** What was active when the segment began, active again when it ends. */
  readonly saved: OtelContext | undefined
  /** The segment running when this one began (a fiber run from inside an operation of another). */
  readonly outer: Segment | undefined
  /** What the storage holds now: the segment's fibers are the only ones entering it while it runs. */
  active: OtelContext | undefined
  /** The fiber's refs when `active` was last checked: while they are the same object, nothing changed. */
  refs: unknown
  /** How many times the supervisor was told of this run (once per tracing layer the fiber runs under). */
  calls: number
}

/** The innermost segment running now. */
let running: Segment | undefined

/**
 * Whether the fiber runs in the running segment and nothing it depends on changed since its
 * context was last entered: then its operation runs as it is. One comparison per operation.
 *
 * @example
 * ```ts
 * if (isCurrent(fiber)) return execution()
 * ```
 */
export const isCurrent = (fiber: SegmentFiber): boolean =>
  running !== undefined && running.fiber === fiber && running.refs === fiber._fiberRefs

/** Ends the fiber's segment, if it has one: what was active before it is active again. */
const leaveSegment = (fiber: SegmentFiber): void => {
  const segment = fiber[segmentKey]
  if (segment === undefined) return
  segment.calls = 0
  fiber[segmentKey] = undefined
  // One not running is left from a run that ended under another supervisor: what it saved is
  // not what is active around this one.
  if (segment !== running) return
  running = segment.outer
  if (segment.active !== segment.saved) segment.storage.enterWith(segment.saved!)
}

/**
 * Makes `ctx` the fiber's active context for the rest of its segment and returns true, or
 * returns false when the fiber has no segment to trust (then the caller enters `ctx` around the
 * operation).
 *
 * @example
 * ```ts
 * if (enterInSegment(fiber, ctx)) return execution()
 * return context.with(ctx, execution)
 * ```
 */
export const enterInSegment = (fiber: SegmentFiber, ctx: OtelContext): boolean => {
  const segment = fiber[segmentKey]
  if (segment === undefined) return false
  if (segment !== running || segment.supervisor !== fiber.currentSupervisor) {
    leaveSegment(fiber)
    return false
  }
  if (segment.active !== ctx) {
    segment.storage.enterWith(ctx)
    segment.active = ctx
  }
  segment.refs = fiber._fiberRefs
  return true
}

class SegmentSupervisor extends Supervisor.AbstractSupervisor<void> {
  readonly value = Effect.void

  override onStart(_context: unknown, _effect: unknown, parent: Option.Option<unknown>, fiber: unknown): void {
    const home = parent._tag === "Some" ? (parent.value as SegmentFiber)[homeKey] : undefined
    if (home !== undefined) (fiber as SegmentFiber)[homeKey] = home
  }

  override onResume(fiber: unknown): void {
    const storage = contextStorage()
    if (storage === undefined) return
    const runtime = fiber as SegmentFiber
    const current = runtime[segmentKey]
    // Told again before any operation ran: the same run, under a second tracing layer.
    if (current !== undefined && current === running && current.refs === undefined) {
      current.calls++
      return
    }
    const saved = storage.getStore()
    running = runtime[segmentKey] = {
      fiber: runtime,
      storage,
      supervisor: runtime.currentSupervisor,
      saved,
      outer: running,
      active: saved,
      refs: undefined,
      calls: 1
    }
  }

  override onSuspend(fiber: unknown): void {
    const segment = (fiber as SegmentFiber)[segmentKey]
    if (segment !== undefined && --segment.calls > 0) return
    leaveSegment(fiber as SegmentFiber)
  }
}
const segmentSupervisor = new SegmentSupervisor()

/**
 * Runs each scheduled run of a fiber inside the whole async context the fiber started in (its
 * home): a fiber woken by another (a `Deferred` completed, a queue offered to) is run by the
 * scheduler in the waker's async context, and an application's own AsyncLocalStorage values
 * would be the waker's for the rest of that run.
 */
class HomeScheduler implements Scheduler.Scheduler {
  constructor(readonly base: Scheduler.Scheduler) {}

  shouldYield(fiber: Parameters<Scheduler.Scheduler["shouldYield"]>[0]): number | false {
    return this.base.shouldYield(fiber)
  }

  scheduleTask(task: Scheduler.Task, priority: number, fiber?: Parameters<Scheduler.Scheduler["shouldYield"]>[0]): void {
    const home = fiber === undefined ? undefined : (fiber as unknown as SegmentFiber)[homeKey]?.scope
    this.base.scheduleTask(home === undefined ? task : () => home.runInAsyncScope(task), priority, fiber)
  }
}

/**
 * Adds the segment supervisor to the fibers of the scope, and a scheduler that runs them in
 * their home's async context; when the scope closes, the fiber that closes it leaves its
 * segment first.
 *
 * @example
 * ```ts
 * Layer.scopedDiscard(Effect.zipRight(Effect.withTracerScoped(tracer), fiberSegmentsScoped))
 * ```
 */
export const fiberSegmentsScoped: Effect.Effect<void, never, Scope.Scope> = Effect.all([
  Effect.locallyScopedWith(FiberRef.currentScheduler, (base) => base instanceof HomeScheduler ? base : new HomeScheduler(base)),
  Effect.locallyScopedWith(FiberRef.currentSupervisor, (current) => current.zip(segmentSupervisor)),
  Effect.addFinalizer(() =>
    Effect.withFiberRuntime<void>((fiber) => {
      leaveSegment(fiber as unknown as SegmentFiber)
      return Effect.void
    })
  )
], { discard: true })
