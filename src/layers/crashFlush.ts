/**
 * What a crash would lose, sent before the process dies: on an uncaught exception (and an
 * unhandled rejection, which Node turns into one) and on `process.exit()`, the spans still
 * open are ended (with the error recorded, for a crash) and every span not yet delivered is
 * sent to the OTLP endpoint synchronously, within a short budget. Node runs nothing
 * asynchronous past those points, so the request is made by a short-lived child process the
 * parent waits for (`spawnSync`). The process's own behaviour is unchanged: the listeners only
 * observe (`uncaughtExceptionMonitor`, `exit`).
 *
 * @since 0.1.0
 */
import { type Context, diag, type Span as ApiSpan, SpanStatusCode } from "@opentelemetry/api"
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer"
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base"
import { spawnSync } from "node:child_process"
import type { TracingSettings } from "../config.js"
import { type ExportPolicy, readySpan } from "./RedactingSpanExporter.js"

/** At most this many open spans are remembered: a span the application never ends must not pile up. */
const MAX_OPEN = 10_000

/** The recording spans started and not yet ended (the most recent `MAX_OPEN`). */
export class OpenSpans implements SpanProcessor {
  readonly open = new Set<Span>()

  onStart(span: Span, _parentContext: Context): void {
    this.open.add(span)
    if (this.open.size > MAX_OPEN) this.open.delete(this.open.values().next().value!)
  }

  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span)
  }

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    this.open.clear()
    return Promise.resolve()
  }
}

/** A queue whose spans not yet delivered can be taken out at once. */
export interface Drainable {
  drain(): Array<ReadableSpan>
}

// The child: reads `{ url, headers }` (one JSON line) and the request body from stdin, POSTs
// it, exits 0 on a 2xx. Nothing goes on its command line, which other users can read (`ps`):
// the headers usually hold a credential.
const SEND = `
const chunks = []
process.stdin.on("data", (chunk) => chunks.push(chunk)).on("end", () => {
  const input = Buffer.concat(chunks)
  const newline = input.indexOf(10)
  const { url, headers } = JSON.parse(input.subarray(0, newline).toString())
  const { request } = require(url.startsWith("https:") ? "node:https" : "node:http")
  const req = request(url, { method: "POST", headers }, (res) => {
    res.resume().on("end", () => process.exit(res.statusCode >= 200 && res.statusCode < 300 ? 0 : 1))
  })
  req.on("error", () => process.exit(1)).end(input.subarray(newline + 1))
})`

/**
 * Sends spans to the OTLP endpoint before this function returns, or gives up after `budgetMillis`.
 *
 * @example
 * ```ts
 * sendNow(spans, settings, policy, 2_000)
 * ```
 */
export const sendNow = (
  spans: ReadonlyArray<ReadableSpan>,
  settings: TracingSettings,
  policy: ExportPolicy,
  budgetMillis: number
): boolean => {
  if (spans.length === 0) return true
  const json = settings.otlp.protocol === "http/json"
  const ready = spans.map((span) => readySpan(span, policy))
  const body = (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(ready)
  if (body === undefined) return false
  const headers = { ...settings.otlp.headers, "Content-Type": json ? "application/json" : "application/x-protobuf" }
  const target = Buffer.from(`${JSON.stringify({ url: settings.otlp.url, headers })}\n`)
  const sent = spawnSync(process.execPath, ["-e", SEND], {
    input: Buffer.concat([target, body]),
    timeout: budgetMillis,
    stdio: ["pipe", "ignore", "ignore"],
    // The child must not inherit loaders or inspector flags meant for the application.
    env: { PATH: process.env.PATH ?? "" }
  })
  return sent.status === 0
}

/**
 * Listens for a crash and for `process.exit()` until the returned function is called.
 *
 * @example
 * ```ts
 * const stop = flushOnCrash({ open, queues, settings, policy })
 * ```
 */
export const flushOnCrash = (options: {
  readonly open: OpenSpans
  readonly queues: ReadonlyArray<Drainable>
  readonly settings: TracingSettings
  readonly policy: ExportPolicy
}): () => void => {
  const budget = Math.min(options.settings.shutdownTimeoutMillis, 2_000)
  const flush = (end: (span: ApiSpan) => void) => {
    try {
      // Innermost first: a parent ends after its children, as it would have.
      for (const span of [...options.open.open].reverse()) end(span)
      const spans = options.queues.flatMap((queue) => queue.drain())
      if (!sendNow(spans, options.settings, options.policy, budget)) {
        diag.warn(`@blipee/tracing: ${spans.length} spans could not be sent before the process ended`)
      }
    } catch (error) {
      // Never a second error while the process is going down.
      diag.error(`@blipee/tracing: flushing at exit failed: ${String(error)}`)
    }
  }
  const onCrash = (error: unknown) => {
    // An application that handles uncaught exceptions goes on: its spans do too.
    if (process.listenerCount("uncaughtException") > 0) return
    flush((span) => {
      span.recordException(error instanceof Error ? error : String(error))
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
      span.end()
    })
  }
  const onExit = (code: number) =>
    flush((span) => {
      span.setAttribute("process.exit.code", code)
      span.end()
    })
  process.on("uncaughtExceptionMonitor", onCrash)
  process.on("exit", onExit)
  return () => {
    process.off("uncaughtExceptionMonitor", onCrash)
    process.off("exit", onExit)
  }
}
