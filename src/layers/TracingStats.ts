/**
 * Self-monitoring: how many spans were created, sampled, exported and lost, and how the
 * exporter is doing. One set of counters lives in each tracing layer; the sampler, the span
 * processor and the exporter wrappers write to it, `tracingHealth()` and the `TracingStats`
 * service read it (the service hands out copies, never the counters).
 *
 * @since 0.1.0
 */
import { SamplingDecision } from "@opentelemetry/sdk-trace-base"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as metrics from "./selfMonitoringMetrics.js"

/** The `error.type` of a failed export: the HTTP status when there was one, else the error's class. */
const exportErrorType = (error: Error): string => {
  const status = (error.cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code
  return typeof status === "number" ? String(status) : error.constructor.name
}

/** The exporter's state as last observed. */
export type ExporterState = "idle" | "ok" | "failing" | "disabled"

/** A point-in-time copy of the counters. */
export interface TracingStatsSnapshot {
  /** `otel.spans.created`: recorded spans started. */
  readonly spansCreated: number
  /** Recorded spans ended. */
  readonly spansEnded: number
  /** `otel.spans.exported`: spans the exporter accepted. */
  readonly spansExported: number
  /** `otel.spans.dropped`: spans lost, for either reason below. */
  readonly spansDropped: number
  readonly dropReasons: {
    /** Ended while the export queue was full. */
    readonly queueFull: number
    /** In an export that failed for good. */
    readonly exportFailed: number
  }
  /** Spans waiting in the export queues now. */
  readonly queueSize: number
  /** `otel.exporter.failures`: failed export calls. */
  readonly exportFailures: number
  /** `otel.sampling.decisions`, by decision. */
  readonly samplingDecisions: {
    readonly recordAndSample: number
    readonly recordOnly: number
    readonly drop: number
  }
  /** Tail sampling's per-trace decisions; `undefined` when the mode is off. */
  readonly tailSampling: TailSamplingSnapshot | undefined
  readonly exporter: {
    readonly state: ExporterState
    readonly lastError: string | undefined
    readonly lastExportAt: Date | undefined
    /** Duration of the last export call, in milliseconds. */
    readonly lastExportDurationMs: number | undefined
  }
}

/** Why tail sampling kept or dropped a trace. */
export type TailKeepReason = "parent" | "upstream_keep" | "base_rate" | "error" | "slow" | "rule"
export type TailDropReason = "not_selected" | "max_traces" | "max_spans" | "max_wait" | "shutdown"

export interface TailSamplingSnapshot {
  /** Traces kept (`otel.sampling.decisions{decision=tail_keep}`), by reason. */
  readonly kept: Readonly<Record<TailKeepReason, number>>
  /** Traces dropped (`otel.sampling.decisions{decision=tail_drop}`), by reason. */
  readonly dropped: Readonly<Record<TailDropReason, number>>
  /** Spans of dropped traces, never exported. */
  readonly spansDiscarded: number
  /** Traces and spans held now, waiting for a decision. */
  readonly heldTraces: number
  readonly heldSpans: number
}

/** The tail sampler's counters (written by it; `held` read from it on demand). */
export class TailSamplingCounters {
  readonly kept: Record<TailKeepReason, number> = { parent: 0, upstream_keep: 0, base_rate: 0, error: 0, slow: 0, rule: 0 }
  readonly dropped: Record<TailDropReason, number> = {
    not_selected: 0,
    max_traces: 0,
    max_spans: 0,
    max_wait: 0,
    shutdown: 0
  }
  spansDiscarded = 0

  constructor(private readonly held: () => { readonly traces: number; readonly spans: number }) {}

  recordKeep(reason: TailKeepReason): void {
    this.kept[reason]++
    metrics.samplingDecisions.unsafeUpdate(1, metrics.labels.tail("tail_keep", reason))
  }

  recordDrop(reason: TailDropReason, spans: number): void {
    this.dropped[reason]++
    this.spansDiscarded += spans
    metrics.samplingDecisions.unsafeUpdate(1, metrics.labels.tail("tail_drop", reason))
  }

  snapshot(): TailSamplingSnapshot {
    const held = this.held()
    return {
      kept: { ...this.kept },
      dropped: { ...this.dropped },
      spansDiscarded: this.spansDiscarded,
      heldTraces: held.traces,
      heldSpans: held.spans
    }
  }
}

/**
 * Mutable counters. Writes are plain increments: they sit on the span hot path.
 *
 * @example
 * ```ts
 * const stats = new TracingStatsCounters()
 * stats.spansCreated++
 * stats.snapshot().spansCreated // 1
 * ```
 */
export class TracingStatsCounters {
  spansCreated = 0
  spansEnded = 0
  spansExported = 0
  spansDropped = 0
  droppedQueueFull = 0
  droppedExportFailed = 0
  exportFailures = 0
  /** The queue sizes of the batch processors, read on demand. */
  readonly queues: Array<() => number> = []
  recordAndSample = 0
  recordOnly = 0
  drop = 0
  exporterState: ExporterState
  lastError: string | undefined = undefined
  lastExportAt: Date | undefined = undefined
  lastExportDurationMs: number | undefined = undefined
  /** Set by the tracing layer when tail sampling is on. */
  tail: TailSamplingCounters | undefined = undefined

  constructor(enabled = true) {
    this.exporterState = enabled ? "idle" : "disabled"
  }

  recordStart(): void {
    this.spansCreated++
    metrics.spansCreated.unsafeUpdate(1, metrics.labels.none)
  }

  recordDecision(decision: SamplingDecision): void {
    if (decision === SamplingDecision.RECORD_AND_SAMPLED) {
      this.recordAndSample++
      metrics.samplingDecisions.unsafeUpdate(1, metrics.labels.recordAndSample)
    } else if (decision === SamplingDecision.RECORD) {
      this.recordOnly++
      metrics.samplingDecisions.unsafeUpdate(1, metrics.labels.recordOnly)
    } else {
      this.drop++
      metrics.samplingDecisions.unsafeUpdate(1, metrics.labels.drop)
    }
  }

  recordExport(spans: number, durationMs: number, error: Error | undefined): void {
    this.lastExportAt = new Date()
    this.lastExportDurationMs = durationMs
    metrics.exportDuration.unsafeUpdate(durationMs, metrics.labels.none)
    if (error === undefined) {
      this.spansExported += spans
      this.exporterState = "ok"
      metrics.spansExported.unsafeUpdate(spans, metrics.labels.none)
    } else {
      this.spansDropped += spans
      this.droppedExportFailed += spans
      this.exportFailures++
      this.exporterState = "failing"
      this.lastError = error.message
      metrics.spansDropped.unsafeUpdate(spans, metrics.labels.exportFailed)
      metrics.exporterFailures.unsafeUpdate(1, metrics.labels.errorType(exportErrorType(error)))
    }
    metrics.queueSize.unsafeUpdate(this.queueSize(), metrics.labels.none)
  }

  recordQueueFullDrop(): void {
    this.spansDropped++
    this.droppedQueueFull++
    metrics.spansDropped.unsafeUpdate(1, metrics.labels.queueFull)
  }

  /** Spans waiting in the export queues now. */
  queueSize(): number {
    return this.queues.reduce((total, size) => total + size(), 0)
  }

  snapshot(): TracingStatsSnapshot {
    return {
      spansCreated: this.spansCreated,
      spansEnded: this.spansEnded,
      spansExported: this.spansExported,
      spansDropped: this.spansDropped,
      dropReasons: { queueFull: this.droppedQueueFull, exportFailed: this.droppedExportFailed },
      queueSize: this.queueSize(),
      exportFailures: this.exportFailures,
      samplingDecisions: { recordAndSample: this.recordAndSample, recordOnly: this.recordOnly, drop: this.drop },
      tailSampling: this.tail?.snapshot(),
      exporter: {
        state: this.exporterState,
        lastError: this.lastError,
        lastExportAt: this.lastExportAt,
        lastExportDurationMs: this.lastExportDurationMs
      }
    }
  }
}

/** What `TracingStats` offers: read-only copies of the counters. */
export interface TracingStatsService {
  /** The counters as they are now. */
  readonly snapshot: Effect.Effect<TracingStatsSnapshot>
}

/**
 * The self-monitoring counters of the tracing layer in scope.
 *
 * @example
 * ```ts
 * const { spansExported, dropReasons } = yield* TracingStats.snapshot
 * ```
 */
export class TracingStats extends Context.Tag("@blipee/tracing/TracingStats")<TracingStats, TracingStatsService>() {
  /** The counters of the tracing layer in scope, now. */
  static readonly snapshot: Effect.Effect<TracingStatsSnapshot, never, TracingStats> = Effect.flatMap(
    TracingStats,
    (stats) => stats.snapshot
  )
}

/**
 * Provides the read-only view of `counters`.
 *
 * @example
 * ```ts
 * Layer.merge(layerEffectTracer(tracer), layerStats(counters))
 * ```
 */
export const layerStats = (counters: TracingStatsCounters): Layer.Layer<TracingStats> =>
  Layer.succeed(TracingStats, { snapshot: Effect.sync(() => counters.snapshot()) })
