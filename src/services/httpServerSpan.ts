/**
 * The shape of an HTTP SERVER span under the stable HTTP semantic conventions: its name and
 * request attributes, and what the response adds. Shared by `withTracing` (Web handlers) and
 * the Effect HTTP server middleware.
 *
 * @since 0.1.0
 */
import { type Attributes, type Span, SpanStatusCode } from "@opentelemetry/api"
import { headerValues, type HeaderSource } from "../propagation/headerValue.js"
import { redactQuery } from "../redaction/url.js"
import { methodAttributes, portOf } from "./httpAttributes.js"
import {
  CLIENT_ADDRESS,
  ERROR_TYPE,
  HTTP_RESPONSE_STATUS_CODE,
  HTTP_ROUTE,
  SERVER_ADDRESS,
  SERVER_PORT,
  URL_PATH,
  URL_QUERY,
  URL_SCHEME,
  USER_AGENT_ORIGINAL
} from "../semconv.js"

export interface ServerRequestInfo {
  readonly method: string
  readonly url: string
  readonly headers: HeaderSource
  /** The route template (`/api/users/:id`), never the concrete path. */
  readonly route?: string | undefined
  /** The peer address, when the server knows it (forwarding headers are read otherwise). */
  readonly remoteAddress?: string | undefined
}

/** The first address of `X-Forwarded-For`, or the `for=` of `Forwarded`. */
const forwardedClient = (headers: HeaderSource): string | undefined => {
  const xff = headerValues(headers, "x-forwarded-for")[0]
  if (xff !== undefined) return xff.split(",")[0]!.trim() || undefined
  const forwarded = headerValues(headers, "forwarded")[0]
  const match = forwarded === undefined ? null : /(?:^|[;,\s])for="?\[?([^\]";,]+)/i.exec(forwarded)
  return match?.[1]
}

/**
 * Name and attributes of the SERVER span of a request: `{method} {route}`, or `{method}`
 * without a route (`HTTP` for a method outside the standard ones).
 *
 * @example
 * ```ts
 * serverSpanStart({ method: "GET", url: request.url, headers: request.headers, route: "/api/data" })
 * // { name: "GET /api/data", attributes: { "http.request.method": "GET", ... } }
 * ```
 */
export const serverSpanStart = (request: ServerRequestInfo): { name: string; attributes: Attributes } => {
  const method = methodAttributes(request.method)
  const attributes: Attributes = { ...method.attributes }
  let url: URL | undefined
  try {
    url = new URL(request.url, "http://localhost")
  } catch {
    url = undefined
  }
  if (url !== undefined) {
    attributes[URL_PATH] = url.pathname
    attributes[URL_SCHEME] = url.protocol.slice(0, -1)
    if (url.search.length > 1) attributes[URL_QUERY] = redactQuery(url.search.slice(1))
  }
  const host = headerValues(request.headers, "host")[0] ?? url?.host
  if (host !== undefined) {
    const hostUrl = (() => {
      try {
        return new URL(`${url?.protocol ?? "http:"}//${host}`)
      } catch {
        return undefined
      }
    })()
    if (hostUrl !== undefined) {
      attributes[SERVER_ADDRESS] = hostUrl.hostname.replace(/^\[|\]$/g, "")
      const port = portOf(hostUrl)
      if (port !== undefined) attributes[SERVER_PORT] = port
    }
  }
  const client = forwardedClient(request.headers) ?? request.remoteAddress
  if (client !== undefined) attributes[CLIENT_ADDRESS] = client
  const userAgent = headerValues(request.headers, "user-agent")[0]
  if (userAgent !== undefined) attributes[USER_AGENT_ORIGINAL] = userAgent
  if (request.route !== undefined) attributes[HTTP_ROUTE] = request.route
  return { name: request.route === undefined ? method.spanName : `${method.spanName} ${request.route}`, attributes }
}

/**
 * Records the response status: a server span is an error on 5xx only.
 *
 * @example
 * ```ts
 * serverSpanEnd(span, response.status)
 * ```
 */
export const serverSpanEnd = (span: Span, status: number): void => {
  span.setAttribute(HTTP_RESPONSE_STATUS_CODE, status)
  if (status >= 500) {
    span.setAttribute(ERROR_TYPE, String(status))
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
}
