/**
 * A `SpanExporter` that prints each trace of a batch as a waterfall in the terminal
 * (`OTEL_TRACES_EXPORTER=console`).
 *
 * @since 0.1.0
 */
import { SpanStatusCode } from "@opentelemetry/api"
import { type ExportResult, ExportResultCode, hrTimeToMicroseconds } from "@opentelemetry/core"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import { buildSpanTree, type SpanNode } from "./spanTree.js"

const BAR_WIDTH = 30
const NAME_WIDTH = 36

const spanKindNames = ["internal", "server", "client", "producer", "consumer"] as const

const renderNode = (node: SpanNode, depth: number, origin: number, total: number, lines: Array<string>) => {
  const { span } = node
  const start = hrTimeToMicroseconds(span.startTime) - origin
  const duration = hrTimeToMicroseconds(span.duration)
  const offset = total === 0 ? 0 : Math.min(BAR_WIDTH - 1, Math.floor((start / total) * BAR_WIDTH))
  const width = total === 0 ? BAR_WIDTH : Math.max(1, Math.round((duration / total) * BAR_WIDTH))
  const bar = " ".repeat(offset) + "█".repeat(Math.min(width, BAR_WIDTH - offset))
  const label = `${"  ".repeat(depth)}${span.name}`
  const status = span.status.code === SpanStatusCode.ERROR
    ? `ERROR${span.status.message ? `: ${span.status.message}` : ""}`
    : "ok"
  lines.push(
    `  ${label.padEnd(NAME_WIDTH)} ${bar.padEnd(BAR_WIDTH)} ${(duration / 1000).toFixed(2).padStart(9)} ms  ${
      spanKindNames[span.kind]
    }  ${status}`
  )
  for (const child of node.children) renderNode(child, depth + 1, origin, total, lines)
}

/**
 * Renders a tree of spans as text lines: indentation by parentage, a bar scaled to the
 * tree's duration, the duration, kind and status of each span.
 *
 * @example
 * ```ts
 * renderWaterfall(buildSpanTree(spans)[0]).join("\n")
 * ```
 */
export const renderWaterfall = (root: SpanNode): Array<string> => {
  const origin = hrTimeToMicroseconds(root.span.startTime)
  let end = origin
  const visit = (node: SpanNode) => {
    end = Math.max(end, hrTimeToMicroseconds(node.span.endTime))
    node.children.forEach(visit)
  }
  visit(root)
  const lines = [`trace ${root.span.spanContext().traceId} · ${((end - origin) / 1000).toFixed(2)} ms`]
  renderNode(root, 0, origin, end - origin, lines)
  return lines
}

/** A span with no parent in this process: when it arrives, its trace is complete here. */
const isLocalRoot = (span: ReadableSpan) =>
  span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true

/** How long spans of a trace whose local root never ends are held before printing anyway. */
const MAX_HOLD_MS = 30_000

/**
 * Holds the spans of each trace until its local root ends, so that a trace split over
 * several export batches still prints as one tree; `forceFlush` and `shutdown` print the rest.
 *
 * @example
 * ```ts
 * new BatchSpanProcessor(new ConsoleSpanExporter())
 * ```
 */
export class ConsoleSpanExporter implements SpanExporter {
  private readonly pending = new Map<string, { spans: Array<ReadableSpan>; since: number }>()

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  export(spans: Array<ReadableSpan>, resultCallback: (result: ExportResult) => void): void {
    const complete: Array<ReadableSpan> = []
    const now = Date.now()
    for (const span of spans) {
      const traceId = span.spanContext().traceId
      const held = this.pending.get(traceId) ?? { spans: [], since: now }
      held.spans.push(span)
      this.pending.set(traceId, held)
      if (isLocalRoot(span)) {
        complete.push(...held.spans)
        this.pending.delete(traceId)
      }
    }
    for (const [traceId, held] of this.pending) {
      if (now - held.since < MAX_HOLD_MS) continue
      complete.push(...held.spans)
      this.pending.delete(traceId)
    }
    this.print(complete)
    resultCallback({ code: ExportResultCode.SUCCESS })
  }

  private print(spans: ReadonlyArray<ReadableSpan>): void {
    if (spans.length === 0) return
    const blocks = buildSpanTree(spans).map((root) => renderWaterfall(root).join("\n"))
    this.write(blocks.map((block) => `${block}\n\n`).join(""))
  }

  forceFlush(): Promise<void> {
    this.print([...this.pending.values()].flatMap((held) => held.spans))
    this.pending.clear()
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    return this.forceFlush()
  }
}
