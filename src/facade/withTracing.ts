/**
 * `withTracing(handler)`: a SERVER span around a Web-standard route handler (Next.js App
 * Router, Hono, Bun, Deno): the caller's trace context extracted, a request scope for baggage
 * and tenant, the status taken from the response.
 *
 * Under Next.js, the span nests under Next's own request span when that one is active (Next
 * already continued the caller's trace), takes its route from Next's `next.route`, and lets
 * Next's `redirect()` / `notFound()` signals through unrecorded.
 *
 * @since 0.1.0
 */
import { context, type Span, SpanKind, trace } from "@opentelemetry/api"
import { extractContext } from "../context/headers.js"
import { type TenantInfo, tenantFromHook, withRequestScope } from "../context/scope.js"
import { errorType } from "../services/errorType.js"
import { serverSpanEnd, serverSpanStart } from "../services/httpServerSpan.js"
import { ERROR_TYPE, HTTP_RESPONSE_STATUS_CODE, STATUS_INTERRUPTED } from "../semconv.js"
import { nextControlFlow, nextRoute } from "./nextjs.js"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { recordFailure } from "../layers/spanFailure.js"

export interface WithTracingOptions<Req extends Request = Request> {
  /**
   * The route template for `http.route` and the span name (`/api/users/[id]`), never the raw
   * path. Default: the route Next.js reports, if any.
   */
  readonly route?: string | undefined
  /** Who the request acts for; its spans then carry `tenant.id` and `user.id`. */
  readonly tenant?: ((request: Req) => TenantInfo | undefined) | undefined
  /**
   * The response for a thrown error, after it was recorded on the span. By default the error
   * is logged with `console.error` and the response is a plain 500.
   */
  readonly onError?: ((error: unknown, request: Req) => Response | Promise<Response>) | undefined
}

const defaultOnError = (error: unknown) => {
  console.error(error)
  return new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain" } })
}

/**
 * Wraps a route handler `(request, context?) => Response | Promise<Response>`; the wrapped
 * handler has the same signature, so it can be exported as is.
 *
 * @example
 * ```ts
 * export const GET = withTracing(async (request: NextRequest) => {
 *   const data = await fetchData()
 *   return NextResponse.json(data)
 * }, { route: "/api/data" })
 * ```
 */
export const withTracing = <Req extends Request, Rest extends Array<unknown>>(
  handler: (request: Req, ...rest: Rest) => Response | Promise<Response>,
  options: WithTracingOptions<Req> = {}
): (request: Req, ...rest: Rest) => Promise<Response> =>
async (request, ...rest) => {
  ensureTracing()
  const active = trace.getSpan(context.active())
  const local = active !== undefined && trace.isSpanContextValid(active.spanContext()) && active.spanContext().isRemote !== true
  // A span of this process (Next's own) already continued the caller's trace: nest under it.
  const extracted = extractContext(request)
  const parent = withRequestScope(local ? trace.setSpan(extracted, active) : extracted, tenantFromHook(options.tenant, request))
  const route = options.route ?? (local ? nextRoute(active) : undefined)
  const { name, attributes } = serverSpanStart({ method: request.method, url: request.url, headers: request.headers, route })
  const span = facadeTracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent)
  let response: Response
  try {
    response = await context.with(trace.setSpan(parent, span), () => handler(request, ...rest))
    serverSpanEnd(span, response.status)
  } catch (error) {
    const controlFlow = nextControlFlow(error)
    if (controlFlow !== undefined) {
      if (controlFlow.status !== undefined) span.setAttribute(HTTP_RESPONSE_STATUS_CODE, controlFlow.status)
      span.end()
      throw error
    }
    recordFailure(span, error)
    span.setAttribute(ERROR_TYPE, errorType(error))
    try {
      response = await (options.onError ?? defaultOnError)(error, request)
    } catch (answerError) {
      span.end()
      throw answerError
    }
    span.setAttribute(HTTP_RESPONSE_STATUS_CODE, response.status)
  }
  return endWhenSent(response, span, request.method)
}

/**
 * The response, with the span ended once its body has been read to the end (a stream: an
 * AI route's server-sent events, a large download), failed (recorded) or given up by the
 * client (`status.interrupted`). A response without a body, or to a HEAD request (whose body
 * is never read), ends the span now.
 */
const endWhenSent = (response: Response, span: Span, method: string): Response => {
  const body = (response as { body?: unknown } | null)?.body as ReadableStream<Uint8Array> | null | undefined
  if (typeof body?.getReader !== "function" || method === "HEAD") {
    span.end()
    return response
  }
  const reader = body.getReader()
  const traced = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (!done) return controller.enqueue(value)
        controller.close()
        span.end()
      } catch (error) {
        recordFailure(span, error)
        span.setAttribute(ERROR_TYPE, errorType(error))
        span.end()
        controller.error(error)
      }
    },
    cancel(reason) {
      span.setAttribute(STATUS_INTERRUPTED, true)
      span.end()
      return reader.cancel(reason)
    }
  })
  return new Response(traced, { status: response.status, statusText: response.statusText, headers: response.headers })
}
