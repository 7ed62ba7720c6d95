/**
 * The self-monitoring counters as Effect `Metric`s, so that `@effect/opentelemetry` exports
 * them over OTLP metrics with the application's own.
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import {
  DECISION,
  ERROR_TYPE,
  METRIC_EXPORT_DURATION,
  METRIC_EXPORTER_FAILURES,
  METRIC_QUEUE_SIZE,
  METRIC_SAMPLING_DECISIONS,
  METRIC_SPANS_CREATED,
  METRIC_SPANS_DROPPED,
  METRIC_SPANS_EXPORTED,
  REASON
} from "../semconv.js"

export const spansCreated = Metric.counter(METRIC_SPANS_CREATED, { description: "Recorded spans started", incremental: true })
export const spansExported = Metric.counter(METRIC_SPANS_EXPORTED, { description: "Spans the exporter accepted", incremental: true })
export const spansDropped = Metric.counter(METRIC_SPANS_DROPPED, { description: "Spans lost before export", incremental: true })
export const samplingDecisions = Metric.counter(METRIC_SAMPLING_DECISIONS, { description: "Sampler decisions", incremental: true })
export const exporterFailures = Metric.counter(METRIC_EXPORTER_FAILURES, { description: "Failed export calls", incremental: true })
export const exportDuration = Metric.histogram(
  METRIC_EXPORT_DURATION,
  // 1 ms to ~16 s, doubling.
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 15 }),
  "Duration of an export call, in milliseconds"
)
export const queueSize = Metric.gauge(METRIC_QUEUE_SIZE, { description: "Spans waiting in the export queues" })

/** The label sets, made once: they are attached on the span path. */
export const labels = {
  none: [] as ReadonlyArray<MetricLabel.MetricLabel>,
  recordAndSample: [MetricLabel.make(DECISION, "record_and_sample")],
  recordOnly: [MetricLabel.make(DECISION, "record_only")],
  drop: [MetricLabel.make(DECISION, "drop")],
  queueFull: [MetricLabel.make(REASON, "queue_full")],
  exportFailed: [MetricLabel.make(REASON, "export_failed")],
  errorType: (type: string) => [MetricLabel.make(ERROR_TYPE, type)],
  tail: (decision: "tail_keep" | "tail_drop", reason: string) => {
    const key = `${decision}/${reason}`
    let labels = tailLabels.get(key)
    if (labels === undefined) {
      labels = [MetricLabel.make(DECISION, decision), MetricLabel.make(REASON, reason)]
      tailLabels.set(key, labels)
    }
    return labels
  }
}

const tailLabels = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()
