/**
 * The head half of tail sampling: records every span, and marks as sampled those of traces
 * whose fate is known when they start.
 *
 * @since 0.1.0
 */
import { type Attributes, type Context, isSpanContextValid, type Link, type SpanKind, trace, TraceFlags } from "@opentelemetry/api"
import {
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler
} from "@opentelemetry/sdk-trace-base"
import type { TailSamplingSettings } from "../config.js"
import { TAIL_KEEP_KEY, TAIL_KEEP_VALUE } from "./TailKeepPropagator.js"
import type { TailSamplingSpanProcessor } from "./TailSamplingSpanProcessor.js"

const SAMPLED: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED }
const RECORD: SamplingResult = { decision: SamplingDecision.RECORD }

/**
 * Kept from the start (`RECORD_AND_SAMPLED`): a parent that arrives sampled or marked kept
 * upstream, a trace the base rate selects (decided from the trace id by the SDK's own
 * `TraceIdRatioBasedSampler`, so that services with the same rate keep the same traces), and
 * children in this process of a trace already kept. Anything else is recorded (`RECORD`) and
 * left to the {@link TailSamplingSpanProcessor}.
 *
 * @example
 * ```ts
 * new BasicTracerProvider({ sampler: new TailSampler(settings, tailProcessor), spanProcessors: [tailProcessor] })
 * ```
 */
export class TailSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler

  constructor(settings: TailSamplingSettings, private readonly tail: TailSamplingSpanProcessor) {
    this.ratio = new TraceIdRatioBasedSampler(settings.baseRate)
  }

  shouldSample(
    context: Context,
    traceId: string,
    _spanName: string,
    _spanKind: SpanKind,
    _attributes: Attributes,
    _links: Array<Link>
  ): SamplingResult {
    const parent = trace.getSpanContext(context)
    if (parent !== undefined && isSpanContextValid(parent)) {
      const sampled = (parent.traceFlags & TraceFlags.SAMPLED) !== 0
      if (!parent.isRemote) return sampled || this.tail.isKept(traceId) ? SAMPLED : RECORD
      if (sampled) {
        this.tail.counters.recordKeep("parent")
        return SAMPLED
      }
      if (parent.traceState?.get(TAIL_KEEP_KEY) === TAIL_KEEP_VALUE) {
        this.tail.counters.recordKeep("upstream_keep")
        return SAMPLED
      }
    }
    if (this.ratio.shouldSample(context, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED) {
      this.tail.counters.recordKeep("base_rate")
      return SAMPLED
    }
    return RECORD
  }

  toString(): string {
    return `TailSampler{${this.ratio.toString()}}`
  }
}
