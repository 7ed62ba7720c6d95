/**
 * The shape of an HTTP CLIENT span under the stable HTTP semantic conventions. Shared by
 * `TracedHttpClient` (Effect) and `traceFetch` / `traceOutgoingRequest` (facade).
 *
 * @since 0.1.0
 */
import { type Attributes, type Context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api"
import { injectContext } from "../context/headers.js"
import { withoutBaggage } from "../context/scope.js"
import type { HttpPolicy } from "../layers/httpPolicy.js"
import { recordFailure } from "../layers/spanFailure.js"
import type { HeaderSource } from "../propagation/headerValue.js"
import { redactUrl } from "../redaction/url.js"
import {
  ERROR_TYPE,
  ERROR_TYPE_TIMEOUT,
  HTTP_REQUEST_RESEND_COUNT,
  HTTP_RESPONSE_STATUS_CODE,
  NETWORK_PROTOCOL_VERSION,
  SERVER_ADDRESS,
  SERVER_PORT,
  STATUS_INTERRUPTED,
  URL_FULL,
  URL_TEMPLATE
} from "../semconv.js"
import { errorType } from "./errorType.js"
import { headerAttributes, methodAttributes, portOf } from "./httpAttributes.js"

export interface ClientRequestInfo {
  readonly method: string
  readonly url: URL
  readonly headers: HeaderSource
  /** The URL's template (`/users/{id}`): the span is named after it, never after the URL. */
  readonly template?: string | undefined
  /** How many times this request was sent before (retries). */
  readonly resendCount?: number | undefined
}

/**
 * Name (`{method}` or `{method} {url.template}`) and attributes of a CLIENT span.
 *
 * @example
 * ```ts
 * clientSpanStart({ method: "GET", url: new URL("https://api.example.com/v1?token=x"), headers: {} }, policy)
 * ```
 */
const clientSpanStart = (request: ClientRequestInfo, policy: HttpPolicy): { name: string; attributes: Attributes } => {
  const method = methodAttributes(request.method)
  const attributes: Attributes = {
    ...method.attributes,
    [URL_FULL]: redactUrl(request.url),
    [SERVER_ADDRESS]: request.url.hostname.replace(/^\[|\]$/g, ""),
    ...headerAttributes("http.request.header", request.headers, policy.requestHeaders)
  }
  const port = portOf(request.url)
  if (port !== undefined) attributes[SERVER_PORT] = port
  if (request.template !== undefined) attributes[URL_TEMPLATE] = request.template
  if (request.resendCount !== undefined && request.resendCount > 0) attributes[HTTP_REQUEST_RESEND_COUNT] = request.resendCount
  return { name: request.template === undefined ? method.spanName : `${method.spanName} ${request.template}`, attributes }
}

/**
 * Starts the CLIENT span of `request` under `parent`: the span, the context it is active in,
 * and the trace headers the request sends (none where `policy` does not propagate; `baggage`
 * only when `sendBaggage`).
 *
 * @example
 * ```ts
 * const { span, context, headers } = clientSpanOpen(tracer, { method: "GET", url, headers: {} }, context.active(), policy)
 * ```
 */
export const clientSpanOpen = (
  tracer: Tracer,
  request: ClientRequestInfo,
  parent: Context,
  policy: HttpPolicy,
  sendBaggage = true
): { span: Span; context: Context; headers: Record<string, string> } => {
  const { name, attributes } = clientSpanStart(request, policy)
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent)
  const active = trace.setSpan(parent, span)
  const headers: Record<string, string> = policy.propagates(request.url)
    ? injectContext({}, sendBaggage ? active : withoutBaggage(active))
    : {}
  return { span, context: active, headers }
}

/**
 * Records a response: a client span is an error on 4xx and 5xx.
 *
 * @example
 * ```ts
 * clientSpanResponse(span, { status: response.status, headers: response.headers }, policy)
 * ```
 */
export const clientSpanResponse = (
  span: Span,
  response: { readonly status: number; readonly headers: HeaderSource; readonly protocolVersion?: string | undefined },
  policy: HttpPolicy
): void => {
  span.setAttribute(HTTP_RESPONSE_STATUS_CODE, response.status)
  span.setAttributes(headerAttributes("http.response.header", response.headers, policy.responseHeaders))
  if (response.protocolVersion !== undefined) span.setAttribute(NETWORK_PROTOCOL_VERSION, response.protocolVersion)
  if (response.status >= 400) {
    span.setAttribute(ERROR_TYPE, String(response.status))
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
}

/** Why a request did not get a response. */
export type ClientFailure = "error" | "timeout" | "cancelled"

/**
 * Records a request that failed: an error (connection refused, ...) or a timeout marks the span
 * ERROR; a cancellation by the caller does not, it is marked `status.interrupted`.
 *
 * @example
 * ```ts
 * clientSpanFailure(span, error, signal.aborted ? "cancelled" : "error")
 * ```
 */
export const clientSpanFailure = (span: Span, error: unknown, failure: ClientFailure): void => {
  if (failure === "cancelled") {
    span.setAttribute(STATUS_INTERRUPTED, true)
    return
  }
  recordFailure(span, error)
  span.setAttribute(ERROR_TYPE, failure === "timeout" ? ERROR_TYPE_TIMEOUT : errorType(error))
}
