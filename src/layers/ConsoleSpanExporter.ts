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

/** The few attributes worth a glance, by kind of span. */
const highlights = (attributes: ReadableSpan["attributes"]): string => {
  const pick = (key: string, label = key) => (attributes[key] === undefined ? [] : [`${label}=${String(attributes[key])}`])
  return [
    ...pick("http.route", "route"),
    ...pick("http.response.status_code", "status"),
    ...pick("db.query.summary", "sql"),
    ...pick("gen_ai.request.model", "model"),
    ...pick("gen_ai.usage.input_tokens", "in"),
    ...pick("gen_ai.usage.output_tokens", "out"),
    ...pick("cache.hit", "hit"),
    ...pick("api.service", "api")
  ].join(" ")
}

/** Colour only for a terminal that shows it, and never against NO_COLOR (no-color.org). */
const colours = (stream: NodeJS.WriteStream | undefined) =>
  stream?.isTTY === true && process.env.NO_COLOR === undefined

const renderNode = (node: SpanNode, depth: number, origin: number, total: number, lines: Array<string>, colour: boolean) => {
  const { span } = node
  const start = hrTimeToMicroseconds(span.startTime) - origin
  const duration = hrTimeToMicroseconds(span.duration)
  const offset = total === 0 ? 0 : Math.min(BAR_WIDTH - 1, Math.floor((start / total) * BAR_WIDTH))
  const width = total === 0 ? BAR_WIDTH : Math.max(1, Math.round((duration / total) * BAR_WIDTH))
  const bar = " ".repeat(offset) + "█".repeat(Math.min(width, BAR_WIDTH - offset))
  const label = `${"  ".repeat(depth)}${span.name}`
  const failed = span.status.code === SpanStatusCode.ERROR
  const status = failed ? `ERROR${span.status.message ? `: ${span.status.message}` : ""}` : "ok"
  const extra = highlights(span.attributes)
  const line = `  ${label.padEnd(NAME_WIDTH)} ${bar.padEnd(BAR_WIDTH)} ${(duration / 1000).toFixed(2).padStart(9)} ms  ${
    spanKindNames[span.kind]
  }  ${status}${extra === "" ? "" : `  ${extra}`}`
  lines.push(colour && failed ? `\x1b[31m${line}\x1b[0m` : line)
  for (const child of node.children) renderNode(child, depth + 1, origin, total, lines, colour)
}

/**
 * Renders a tree of spans as text lines: indentation by parentage, a bar scaled to the
 * tree's duration, the duration, kind and status of each span (failures in red with `colour`),
 * and the attributes that matter for its kind (route and status, SQL summary, model and tokens,
 * cache hit).
 *
 * @example
 * ```ts
 * renderWaterfall(buildSpanTree(spans)[0]).join("\n")
 * ```
 */
export const renderWaterfall = (root: SpanNode, colour = false): Array<string> => {
  // The earliest start, not the root's: a child timed by another clock (a fiber's TestClock, a
  // span given its own start time) can start before its parent, and a bar cannot start left of
  // the first column.
  let origin = hrTimeToMicroseconds(root.span.startTime)
  let end = origin
  const visit = (node: SpanNode) => {
    origin = Math.min(origin, hrTimeToMicroseconds(node.span.startTime))
    end = Math.max(end, hrTimeToMicroseconds(node.span.endTime))
    node.children.forEach(visit)
  }
  visit(root)
  const lines = [`trace ${root.span.spanContext().traceId} · ${((end - origin) / 1000).toFixed(2)} ms`]
  renderNode(root, 0, origin, end - origin, lines, colour)
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

  constructor(
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
    private readonly colour: boolean = colours(process.stdout)
  ) {}

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
    const blocks = buildSpanTree(spans).map((root) => renderWaterfall(root, this.colour).join("\n"))
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
