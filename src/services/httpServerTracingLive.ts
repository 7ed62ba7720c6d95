/**
 * The implementation behind `HttpServerTracing`, loaded when its middleware first runs or
 * `serve` is built: it brings `@effect/platform`'s server modules, which the facade's
 * `withTracing` (same entry point) does not need.
 *
 * @since 0.1.0
 */
import { type Span as OtelSpan, ROOT_CONTEXT, SpanKind } from "@opentelemetry/api"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { BaggageRef, TenantRef } from "../context/contextRefs.js"
import { OtelParentSpan } from "../context/OtelParentSpan.js"
import { extractContext } from "../context/headers.js"
import { baggageOf, tenantFromHook, withRequestScope } from "../context/scope.js"
import { forwardingTracerProvider } from "../layers/globalRegistration.js"
import { recordCause } from "../layers/spanFailure.js"
import { ERROR_TYPE, HTTP_ROUTE, STATUS_INTERRUPTED } from "../semconv.js"
import { errorType } from "./errorType.js"
import { serverSpanEnd, serverSpanStart } from "./httpServerSpan.js"
import type { ServerTracingOptions } from "./HttpServerTracing.js"
import { VERSION } from "../version.js"


const tracer = forwardingTracerProvider.getTracer("@blipee/tracing", VERSION)

/**
 * The server span as Effect's parent span; the router's `http.route` annotation renames it to
 * `{method} {route}`.
 */
class ServerSpan extends OtelParentSpan {
  constructor(span: OtelSpan, name: string, private readonly method: string) {
    super(span, name, "server")
  }

  override attribute(key: string, value: unknown): void {
    super.attribute(key, value)
    if (key === HTTP_ROUTE && typeof value === "string") this.span.updateName(`${this.method} ${value}`)
  }
}

const recordExit = (span: OtelSpan, exit: Exit.Exit<unknown, unknown>) => {
  if (exit._tag === "Success" || Cause.isInterruptedOnly(exit.cause)) return
  recordCause(span, exit.cause)
  span.setAttribute(ERROR_TYPE, errorType(Cause.squash(exit.cause)))
}

/** The response, its streamed body (if any) marking the span `status.interrupted` when the client goes away. */
const markGivenUp = (response: HttpServerResponse.HttpServerResponse, span: OtelSpan) => {
  const body = response.body
  if (body._tag !== "Stream") return response
  const marked = body.stream.pipe(Stream.ensuringWith((sent) =>
    Effect.sync(() => {
      if (sent._tag === "Failure" && Cause.isInterruptedOnly(sent.cause)) span.setAttribute(STATUS_INTERRUPTED, true)
    })
  ))
  return HttpServerResponse.setBody(response, HttpBody.stream(marked, body.contentType, body.contentLength))
}

/**
 * The middleware.
 *
 * @example
 * ```ts
 * HttpServer.serve(router, middleware())
 * ```
 */
export const middleware = (options: ServerTracingOptions = {}) =>
  HttpMiddleware.make((app) =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const extracted = extractContext(request.headers, ROOT_CONTEXT)
      const url = Option.getOrUndefined(HttpServerRequest.toURL(request))
      const start = serverSpanStart({
        method: request.method,
        url: url?.href ?? request.url,
        headers: request.headers,
        remoteAddress: Option.getOrUndefined(request.remoteAddress)
      })
      const tenant = tenantFromHook(options.tenant, request)
      const scoped = withRequestScope(extracted, tenant)
      const span = tracer.startSpan(start.name, { kind: SpanKind.SERVER, attributes: start.attributes }, scoped)
      const parent = new ServerSpan(span, start.name, start.name.split(" ")[0]!)
      // The platform sends the response before `app` returns; a streamed body the client gave
      // up on still ends as a success there, so the stream itself says so.
      yield* HttpApp.appendPreResponseHandler((_request, response) => Effect.succeed(markGivenUp(response, span)))
      const exit = yield* app.pipe(
        Effect.withParentSpan(parent),
        Effect.locally(BaggageRef, baggageOf(scoped)),
        Effect.locally(TenantRef, tenant),
        Effect.exit
      )
      // The response has been sent by now, a streamed body to its end: a stream that failed
      // half-way shows here as a failure whose response is the 200 already sent.
      const status = HttpServerError.exitResponse(exit).status
      serverSpanEnd(span, status)
      // A failure answered with a 4xx (no such route, a bad request) is the client's error, not
      // the server's: semconv leaves such a SERVER span's status unset, as `withTracing` does.
      // After the status: a thrown error's class is a more precise `error.type` than "500".
      if (status < 400 || status >= 500) recordExit(span, exit)
      span.end()
      return yield* exit
    })
  )

/**
 * Serves an app with these SERVER spans instead of the platform's.
 *
 * @example
 * ```ts
 * serve(router).pipe(Layer.provide(NodeHttpServer.layer(createServer, { port: 3000 })))
 * ```
 */
export const serve = <E, R>(app: HttpApp.Default<E, R>, options: ServerTracingOptions = {}) =>
  HttpServer.serve(app, middleware(options)).pipe(HttpMiddleware.withTracerDisabledWhen(() => true))
