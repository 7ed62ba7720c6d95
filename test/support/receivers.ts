/**
 * OTLP/HTTP receivers on 127.0.0.1 for the tests.
 *
 * - `startMockReceiver`: `@elastic/mockotlpserver`, a third-party receiver that decodes
 *   protobuf and JSON with the official proto files.
 * - `startStrictReceiver`: our own, for what the mock server does not do: chosen status codes,
 *   gzip bodies, strict schema checks of OTLP/JSON, and the raw bytes of every request.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { promisify } from "node:util"
import * as zlib from "node:zlib"
import { MockOtlpServer } from "@elastic/mockotlpserver"
import { closeServer } from "../../scripts/webServer.js"
import {
  decodeStrictJson,
  ExportTraceServiceRequest,
  normalizeMetricsRequest,
  normalizeTraceRequest,
  type ReceivedDataPoint,
  type ReceivedSpan
} from "./otlp.js"

export interface Receiver {
  /** The traces URL (`.../v1/traces`). */
  readonly url: string
  /** The base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string
  readonly spans: Array<ReceivedSpan>
  readonly requests: Array<ReceivedRequest>
  /** Data points of every metrics export, in arrival order (the mock receiver only). */
  readonly metrics: Array<ReceivedDataPoint>
  /** Resolves once at least `count` spans arrived; rejects after `timeoutMs`. */
  readonly waitForSpans: (count: number, timeoutMs?: number) => Promise<Array<ReceivedSpan>>
  readonly reset: () => void
  readonly close: () => Promise<void>
}

export interface ReceivedRequest {
  readonly headers: http.IncomingHttpHeaders
  readonly contentType: string
  /** The body as sent (before decompression). */
  readonly raw: Buffer
  readonly spans: ReadonlyArray<ReceivedSpan>
}

const makeCollector = () => {
  const spans: Array<ReceivedSpan> = []
  const requests: Array<ReceivedRequest> = []
  const metrics: Array<ReceivedDataPoint> = []
  const waiters = new Set<() => void>()
  const notify = () => waiters.forEach((check) => check())
  const waitForSpans = (count: number, timeoutMs = 5_000) =>
    new Promise<Array<ReceivedSpan>>((resolve, reject) => {
      const check = () => {
        if (spans.length < count) return
        waiters.delete(check)
        clearTimeout(timer)
        resolve(spans)
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`expected ${count} spans, received ${spans.length} within ${timeoutMs} ms`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  const reset = () => {
    spans.length = 0
    requests.length = 0
    metrics.length = 0
  }
  /** Records a decoded request and wakes whoever waits for its spans. */
  const receive = (request: ReceivedRequest) => {
    requests.push(request)
    spans.push(...request.spans)
    notify()
  }
  const receiver = (endpoint: string, close: () => Promise<void>): Receiver => ({
    url: `${endpoint}/v1/traces`,
    endpoint,
    spans,
    requests,
    metrics,
    waitForSpans,
    reset,
    close
  })
  return { receive, receiver, metrics }
}

/**
 * The third-party receiver, on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const receiver = await startMockReceiver()
 * // export to receiver.url ...
 * const spans = await receiver.waitForSpans(2)
 * await receiver.close()
 * ```
 */
export const startMockReceiver = async (): Promise<Receiver> => {
  const collector = makeCollector()
  // The mock server reports headers on request arrival and the decoded body later, in order.
  const pendingHeaders: Array<{ headers: http.IncomingHttpHeaders; contentType: string }> = []
  const server = new MockOtlpServer({
    logLevel: "warn",
    services: ["http"],
    httpHostname: "127.0.0.1",
    httpPort: 0,
    onRequest: (request: { headers: http.IncomingHttpHeaders; path?: string }) => {
      if (request.path !== "/v1/traces") return
      pendingHeaders.push({ headers: request.headers, contentType: String(request.headers["content-type"]) })
    },
    onMetrics: (request: unknown) => {
      collector.metrics.push(...normalizeMetricsRequest(request))
    },
    onTrace: (trace: unknown) => {
      const spans = normalizeTraceRequest(trace)
      const meta = pendingHeaders.shift() ?? { headers: {}, contentType: "" }
      collector.receive({ ...meta, raw: Buffer.alloc(0), spans })
    }
  })
  await server.start()
  return collector.receiver(String(server.httpUrl).replace(/\/$/, ""), () => server.close())
}

export interface StrictReceiverOptions {
  /** The status each request is answered with; 200 by default. */
  readonly respond?: (request: http.IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string }
}

const gunzip = promisify(zlib.gunzip)

/**
 * Our strict receiver: rejects bodies that do not decode against the proto schema (400), and
 * keeps the raw bytes of every request.
 *
 * @example
 * ```ts
 * const receiver = await startStrictReceiver({ respond: () => ({ status: 503 }) })
 * ```
 */
export const startStrictReceiver = async (options: StrictReceiverOptions = {}): Promise<Receiver> => {
  const collector = makeCollector()
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", async () => {
      const raw = Buffer.concat(chunks)
      const contentType = String(req.headers["content-type"] ?? "")
      try {
        if (req.method !== "POST" || req.url !== "/v1/traces") throw new Error(`unexpected ${req.method} ${req.url}`)
        const body = req.headers["content-encoding"] === "gzip" ? await gunzip(raw) : raw
        const message = contentType === "application/x-protobuf"
          ? ExportTraceServiceRequest.decode(body)
          : contentType === "application/json"
          ? decodeStrictJson(body.toString("utf8"))
          : undefined
        if (message === undefined) throw new Error(`unexpected content-type ${contentType}`)
        const spans = normalizeTraceRequest(message)
        const answer = options.respond?.(req) ?? { status: 200 }
        if (answer.status === 200) collector.receive({ headers: req.headers, contentType, raw, spans })
        res.writeHead(answer.status, { "content-type": contentType, ...answer.headers })
        // An empty ExportTraceServiceResponse is a valid answer in both encodings.
        res.end(answer.body ?? (contentType === "application/json" ? "{}" : Buffer.alloc(0)))
      } catch (error) {
        res.writeHead(400, { "content-type": "text/plain" })
        res.end(String(error))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return collector.receiver(`http://127.0.0.1:${port}`, () => closeServer(server))
}
