/**
 * Samplers: the standard ones by name, and a wrapper that counts every decision.
 *
 * @since 0.1.0
 */
import type { Attributes, Context, Link, SpanKind } from "@opentelemetry/api"
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  type SamplingResult,
  TraceIdRatioBasedSampler
} from "@opentelemetry/sdk-trace-base"
import type { SamplerSetting } from "../config.js"
import type { TracingStatsCounters } from "./TracingStats.js"

/**
 * Builds the sampler a setting names, with the SDK's own sampler classes.
 *
 * @example
 * ```ts
 * makeSampler({ _tag: "Standard", name: "parentbased_traceidratio", ratio: 0.1 })
 * ```
 */
export const makeSampler = (setting: SamplerSetting): Sampler => {
  if (setting._tag === "Custom") return setting.sampler
  switch (setting.name) {
    case "always_on":
      return new AlwaysOnSampler()
    case "always_off":
      return new AlwaysOffSampler()
    case "traceidratio":
      return new TraceIdRatioBasedSampler(setting.ratio)
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(setting.ratio) })
  }
}

/**
 * A `Sampler` that delegates to another and counts its decisions (`otel.sampling.decisions`).
 *
 * @example
 * ```ts
 * new CountingSampler(new AlwaysOnSampler(), stats)
 * ```
 */
export class CountingSampler implements Sampler {
  constructor(private readonly delegate: Sampler, private readonly stats: TracingStatsCounters) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Array<Link>
  ): SamplingResult {
    const result = this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links)
    this.stats.recordDecision(result.decision)
    return result
  }

  toString(): string {
    return this.delegate.toString()
  }
}
