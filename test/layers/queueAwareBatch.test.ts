/**
 * What the export queue gives up at a crash: every span queued or in an export not yet
 * answered, once, and no more than a bounded number of unanswered ones.
 */
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import { describe, expect, it } from "vitest"
import { QueueAwareBatchSpanProcessor } from "../../src/layers/QueueAwareBatchSpanProcessor.js"
import { TracingStatsCounters } from "../../src/layers/TracingStats.js"

/** An exporter that never answers, keeping each batch it was handed. */
const silentExporter = () => {
  const batches: Array<Array<ReadableSpan>> = []
  const exporter: SpanExporter = {
    export: (spans) => void batches.push(spans),
    shutdown: () => Promise.resolve()
  }
  return { batches, exporter }
}

const setUp = (exporter: SpanExporter, maxQueueSize: number, maxExportBatchSize: number) => {
  const stats = new TracingStatsCounters()
  const queue = new QueueAwareBatchSpanProcessor(exporter, { maxQueueSize, maxExportBatchSize, scheduledDelayMillis: 60_000, exportTimeoutMillis: 50 }, stats)
  const tracer = new BasicTracerProvider({ spanProcessors: [queue] }).getTracer("test")
  const end = (...names: Array<string>) => names.forEach((name) => tracer.startSpan(name).end())
  return { end, queue, stats }
}

describe("QueueAwareBatchSpanProcessor", () => {
  it("drains the unanswered batches and the queued spans, in order, once", () => {
    const { batches, exporter } = silentExporter()
    const { end, queue, stats } = setUp(exporter, 10, 2)
    end("a", "b", "c")
    // A full batch leaves at once; it is in an export that never answers.
    expect(batches.map((batch) => batch.map((span) => span.name))).toEqual([["a", "b"]])
    expect(stats.queueSize()).toBe(1)
    expect(queue.drain().map((span) => span.name)).toEqual(["a", "b", "c"])
    expect(queue.drain()).toEqual([])
  })

  it("forgets an answered batch", async () => {
    const answered: Array<string> = []
    const { end, queue } = setUp({
      export: (spans, done) => {
        answered.push(...spans.map((span) => span.name))
        done({ code: 0 })
      },
      shutdown: () => Promise.resolve()
    }, 10, 2)
    end("a", "b", "c")
    await queue.forceFlush()
    expect(answered).toEqual(["a", "b", "c"])
    expect(queue.drain()).toEqual([])
  })

  it("keeps at most a full queue's worth of unanswered spans, the newest", () => {
    const { exporter } = silentExporter()
    const { end, queue } = setUp(exporter, 4, 2)
    // One batch in an export at a time, until a flush sends all of them: 6 unanswered.
    end("a", "b", "c", "d", "e", "f")
    queue.forceFlush().catch(() => {})
    end("g")
    expect(queue.drain().map((span) => span.name)).toEqual(["c", "d", "e", "f", "g"])
  })

  it("counts a span dropped on a full queue and does not queue it", () => {
    const { end, queue, stats } = setUp(silentExporter().exporter, 2, 2)
    end("a", "b", "c", "d", "e")
    expect(stats.droppedQueueFull).toBe(1)
    expect(queue.drain().map((span) => span.name)).toEqual(["a", "b", "c", "d"])
  })
})
