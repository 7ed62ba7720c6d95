/**
 * In-process tail sampling: spans of traces not yet chosen are held per trace until the
 * trace's local root ends, then handed to the export processors or dropped, as a whole.
 *
 * The tail sampler ({@link TailSampler}) records every span; those of traces kept from the
 * start (a sampled parent, the base rate) carry the sampled flag and pass straight through.
 * The others wait here. A trace is kept as soon as one of its spans fails or matches a rule, or
 * when its local root lasts `slowMs`; it is dropped when its local root ends without any of
 * these. Spans that end after the decision follow it. Memory is bounded by `maxTraces` and
 * `maxSpansPerTrace`: past them the oldest (or the overfull) trace is decided early.
 *
 * @since 0.1.0
 */
import { type Context, SpanStatusCode, TraceFlags } from "@opentelemetry/api"
import { hrTimeToMilliseconds } from "@opentelemetry/core"
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base"
import type { TailSamplingSettings } from "../config.js"
import { CompactSpan } from "./CompactSpan.js"
import { type TailDropReason, type TailKeepReason, TailSamplingCounters } from "./TracingStats.js"

interface HeldTrace {
  readonly firstSeenAt: number
  readonly spans: Array<CompactSpan>
  /** Local roots started and not yet ended. */
  openRoots: number
  /** When the earliest open local root started (`performance.now()`). */
  rootStartedAt: number | undefined
}

const isLocalRoot = (span: ReadableSpan): boolean =>
  span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true

const isSampled = (span: ReadableSpan): boolean => (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0

/**
 * The span as the export processors must see it once its trace is kept: a compact copy,
 * flagged sampled.
 */
const keptCopy = (span: ReadableSpan): CompactSpan =>
  new CompactSpan(span, { ...span.spanContext(), traceFlags: span.spanContext().traceFlags | TraceFlags.SAMPLED })

/**
 * @example
 * ```ts
 * const tail = new TailSamplingSpanProcessor(settings.tailSampling, [batchProcessor])
 * new BasicTracerProvider({ sampler: new TailSampler(settings.tailSampling, tail), spanProcessors: [tail] })
 * ```
 */
export class TailSamplingSpanProcessor implements SpanProcessor {
  readonly counters: TailSamplingCounters
  /** Insertion order is age order: the first entry is the oldest trace. */
  private readonly held = new Map<string, HeldTrace>()
  private heldSpans = 0
  /** Recent decisions, for spans that end after their trace was decided (true = kept). */
  private readonly decisions = new Map<string, boolean>()
  private readonly maxDecisions: number
  private readonly sweeper: ReturnType<typeof setInterval>

  constructor(
    private readonly settings: TailSamplingSettings,
    private readonly downstream: ReadonlyArray<SpanProcessor>
  ) {
    this.counters = new TailSamplingCounters(() => ({ traces: this.held.size, spans: this.heldSpans }))
    this.maxDecisions = Math.max(1024, 4 * settings.maxTraces)
    const interval = Math.max(50, Math.min(1_000, settings.slowMs / 2, settings.maxWaitMs / 2))
    this.sweeper = setInterval(() => this.sweep(), interval)
    this.sweeper.unref()
  }

  /** Whether the trace is known to be kept: the propagator marks it so for downstream services. */
  isKept(traceId: string): boolean {
    return this.decisions.get(traceId) === true
  }

  onStart(span: Span, parentContext: Context): void {
    for (const processor of this.downstream) processor.onStart(span, parentContext)
    if (isSampled(span)) return
    const traceId = span.spanContext().traceId
    if (this.decisions.has(traceId)) return
    const trace = this.held.get(traceId) ?? this.hold(traceId)
    if (isLocalRoot(span)) {
      trace.openRoots++
      trace.rootStartedAt ??= performance.now()
    }
  }

  onEnd(span: ReadableSpan): void {
    if (isSampled(span)) return this.forward(span)
    const traceId = span.spanContext().traceId
    const decided = this.decisions.get(traceId)
    if (decided !== undefined) {
      if (decided) this.forward(keptCopy(span))
      else this.counters.spansDiscarded++
      return
    }
    const trace = this.held.get(traceId) ?? this.hold(traceId)
    // Held as it will be exported if kept (a dropped trace just lets it go).
    trace.spans.push(keptCopy(span))
    this.heldSpans++
    const root = isLocalRoot(span)
    if (root) trace.openRoots--
    const reason = this.qualifies(span, root)
    if (reason !== undefined) this.keep(traceId, trace, reason)
    else if (root && trace.openRoots <= 0) this.drop(traceId, trace, "not_selected")
    else if (trace.spans.length >= this.settings.maxSpansPerTrace) this.decideEarly(traceId, trace, "max_spans")
  }

  forceFlush(): Promise<void> {
    return Promise.all(this.downstream.map((processor) => processor.forceFlush())).then(() => {})
  }

  shutdown(): Promise<void> {
    clearInterval(this.sweeper)
    for (const [traceId, trace] of this.held) this.decideEarly(traceId, trace, "shutdown")
    return Promise.all(this.downstream.map((processor) => processor.shutdown())).then(() => {})
  }

  private hold(traceId: string): HeldTrace {
    if (this.held.size >= this.settings.maxTraces) {
      const [oldestId, oldest] = this.held.entries().next().value!
      this.decideEarly(oldestId, oldest, "max_traces")
    }
    const trace: HeldTrace = { firstSeenAt: performance.now(), spans: [], openRoots: 0, rootStartedAt: undefined }
    this.held.set(traceId, trace)
    return trace
  }

  private qualifies(span: ReadableSpan, root: boolean): TailKeepReason | undefined {
    if (span.status.code === SpanStatusCode.ERROR) return "error"
    if (root && hrTimeToMilliseconds(span.duration) >= this.settings.slowMs) return "slow"
    for (const rule of this.settings.keep) if (rule(span)) return "rule"
    return undefined
  }

  /** Decides a trace before its local root ended: kept if it already qualifies (slow), else dropped. */
  private decideEarly(traceId: string, trace: HeldTrace, reason: TailDropReason): void {
    const open = trace.openRoots > 0 && trace.rootStartedAt !== undefined
    if (open && performance.now() - trace.rootStartedAt! >= this.settings.slowMs) this.keep(traceId, trace, "slow")
    else this.drop(traceId, trace, reason)
  }

  private sweep(): void {
    const now = performance.now()
    for (const [traceId, trace] of this.held) {
      if (trace.openRoots > 0 && trace.rootStartedAt !== undefined && now - trace.rootStartedAt >= this.settings.slowMs) {
        this.keep(traceId, trace, "slow")
      } else if (now - trace.firstSeenAt >= this.settings.maxWaitMs) {
        this.drop(traceId, trace, "max_wait")
      }
    }
  }

  private keep(traceId: string, trace: HeldTrace, reason: TailKeepReason): void {
    this.settle(traceId, trace, true)
    this.counters.recordKeep(reason)
    for (const span of trace.spans) this.forward(span)
  }

  private drop(traceId: string, trace: HeldTrace, reason: TailDropReason): void {
    this.settle(traceId, trace, false)
    this.counters.recordDrop(reason, trace.spans.length)
  }

  private settle(traceId: string, trace: HeldTrace, kept: boolean): void {
    this.held.delete(traceId)
    this.heldSpans -= trace.spans.length
    if (this.decisions.size >= this.maxDecisions) this.decisions.delete(this.decisions.keys().next().value!)
    this.decisions.set(traceId, kept)
  }

  private forward(span: ReadableSpan): void {
    for (const processor of this.downstream) processor.onEnd(span)
  }
}
