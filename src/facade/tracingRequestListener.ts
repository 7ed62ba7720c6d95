/**
 * `tracingRequestListener(handler)`: the SERVER span of `withTracing` for Node's own
 * `http.createServer((req, res) => ...)` (and Express, Connect or any `(req, res)` handler):
 * the caller's trace context extracted, a request scope for baggage and tenant, the span ended
 * when the response is fully sent (a streamed one too) or the client goes away.
 *
 * @since 0.1.0
 */
import { context, SpanKind, trace } from "@opentelemetry/api"
import type { IncomingMessage, ServerResponse } from "node:http"
import { extractContext } from "../context/headers.js"
import { type TenantInfo, tenantFromHook, withRequestScope } from "../context/scope.js"
import { ERROR_TYPE, HTTP_RESPONSE_STATUS_CODE, STATUS_INTERRUPTED } from "../semconv.js"
import { errorType } from "../services/errorType.js"
import { serverSpanEnd, serverSpanStart } from "../services/httpServerSpan.js"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { recordFailure } from "../layers/spanFailure.js"

export interface RequestListenerOptions<Req extends IncomingMessage> {
  /** The route template for `http.route` and the span name (`/users/:id`), never the raw path. */
  readonly route?: string | ((request: Req) => string | undefined) | undefined
  /** Who the request acts for; its spans then carry `tenant.id` and `user.id`. */
  readonly tenant?: ((request: Req) => TenantInfo | undefined) | undefined
  /**
   * Answers a thrown error (or a rejected promise) after it was recorded on the span. By
   * default it is logged with `console.error` and, if nothing was sent yet, answered with a 500.
   */
  readonly onError?: ((error: unknown, request: Req, response: ServerResponse) => void) | undefined
}

const defaultOnError = (error: unknown, _request: IncomingMessage, response: ServerResponse) => {
  console.error(error)
  if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" })
  if (!response.writableEnded) response.end("Internal Server Error")
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function"

/**
 * Wraps a Node request listener; the result is one too.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http"
 * createServer(tracingRequestListener((req, res) => {
 *   res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }))
 * }, { route: (req) => req.url?.startsWith("/users/") ? "/users/:id" : undefined })).listen(3000)
 * ```
 */
export const tracingRequestListener = <Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse>(
  handler: (request: Req, response: Res) => unknown,
  options: RequestListenerOptions<Req> = {}
): (request: Req, response: Res) => void =>
(request, response) => {
  ensureTracing()
  const parent = withRequestScope(extractContext(request.headers), tenantFromHook(options.tenant, request))
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true
  const { name, attributes } = serverSpanStart({
    method: request.method ?? "GET",
    url: `${encrypted ? "https" : "http"}://localhost${request.url ?? "/"}`,
    headers: request.headers,
    route: typeof options.route === "function" ? options.route(request) : options.route,
    remoteAddress: request.socket?.remoteAddress
  })
  const span = facadeTracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent)
  let ended = false
  let failed = false
  const end = () => {
    if (ended) return
    ended = true
    // After a thrown error, its class is a more precise `error.type` than the 500 it became.
    if (failed) span.setAttribute(HTTP_RESPONSE_STATUS_CODE, response.statusCode)
    else serverSpanEnd(span, response.statusCode)
    span.end()
  }
  response.once("finish", end)
  response.once("close", () => {
    // Closed before the last byte was handed over: the client went away.
    if (!response.writableFinished) span.setAttribute(STATUS_INTERRUPTED, true)
    end()
  })
  const fail = (error: unknown) => {
    failed = true
    recordFailure(span, error)
    span.setAttribute(ERROR_TYPE, errorType(error))
    try {
      context.with(trace.setSpan(parent, span), () => (options.onError ?? defaultOnError)(error, request, response))
    } catch (answerError) {
      console.error(answerError)
      if (!response.writableEnded) response.destroy()
    }
  }
  try {
    const result = context.with(trace.setSpan(parent, span), () => handler(request, response))
    if (isPromiseLike(result)) result.then(undefined, fail)
  } catch (error) {
    fail(error)
  }
}
