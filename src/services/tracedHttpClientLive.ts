/**
 * The implementation behind `TracedHttpClient`'s layers, loaded when one is built (it brings
 * `@effect/platform`'s client, which an application that only uses the facade never loads).
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import { currentOtelContext } from "../context/bridge.js"
import { forwardingTracerProvider } from "../layers/globalRegistration.js"
import { currentTracingPolicy } from "../layers/TracingPolicy.js"
import { VERSION } from "../version.js"
import { type ClientFailure, clientSpanFailure, clientSpanOpen, clientSpanResponse } from "./httpClientSpan.js"
import { currentSendsBaggage, currentUrlTemplate } from "./httpClientRefs.js"
import { TracedHttpClient, type TracedHttpClientOptions } from "./TracedHttpClient.js"

const tracer = forwardingTracerProvider.getTracer("@blipee/tracing", VERSION)

/** How often each request object was sent: `HttpClient.retry` sends the same one again. */
const attempts = new WeakMap<HttpClientRequest.HttpClientRequest, number>()

const isTimeout = (cause: Cause.Cause<unknown>) =>
  Cause.failureOption(cause).pipe((failure) =>
    failure._tag === "Some" && HttpClientError.isHttpClientError(failure.value) &&
    failure.value._tag === "RequestError" && Cause.isTimeoutException(failure.value.cause)
  )

/**
 * What the span records of a failure: for a request that never got an answer, the error the
 * transport threw (what `fetch` itself throws, as `traceFetch` records it), not the platform's
 * wrapper around it.
 */
const recordedError = (cause: Cause.Cause<unknown>): unknown => {
  const error = Cause.squash(cause)
  return HttpClientError.isHttpClientError(error) && error._tag === "RequestError" && error.reason === "Transport" &&
      error.cause instanceof Error && !Cause.isTimeoutException(error.cause)
    ? error.cause
    : error
}

const failureOf = (cause: Cause.Cause<unknown>): ClientFailure =>
  Cause.isInterruptedOnly(cause) ? "cancelled" : isTimeout(cause) ? "timeout" : "error"

type WithSource = { readonly source?: { readonly httpVersion?: unknown }; readonly original?: WithSource }

/**
 * The HTTP version of the response, which only the Node client exposes (as its
 * `IncomingMessage`, possibly inside the platform's interruptible wrapper).
 */
const protocolVersionOf = (response: HttpClientResponse.HttpClientResponse): string | undefined => {
  const withSource = response as unknown as WithSource
  const version = (withSource.source ?? withSource.original?.source)?.httpVersion
  return typeof version === "string" ? version : undefined
}

const execute = (
  base: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  options: TracedHttpClientOptions
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.gen(function*() {
    const policy = (yield* FiberRef.get(currentTracingPolicy)).http
    const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
    if (Either.isLeft(url) || !policy.traces(url.right)) return yield* base.execute(request)
    const resendCount = attempts.get(request) ?? 0
    attempts.set(request, resendCount + 1)
    const { span, headers } = clientSpanOpen(tracer, {
      method: request.method,
      url: url.right,
      headers: request.headers,
      template: yield* FiberRef.get(currentUrlTemplate),
      resendCount
    }, yield* currentOtelContext, policy, yield* FiberRef.get(currentSendsBaggage))
    // A request to a destination that gets no trace headers goes out as it is, not copied.
    const sent = Object.keys(headers).length === 0 ? request : HttpClientRequest.setHeaders(request, headers)
    const timeout = options.timeout === undefined ? undefined : Duration.decode(options.timeout)
    const attempt = timeout === undefined ? base.execute(sent) : base.execute(sent).pipe(
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () =>
          new HttpClientError.RequestError({
            request: sent,
            reason: "Transport",
            description: `no response within ${Duration.format(timeout)}`,
            cause: new Cause.TimeoutException()
          })
      })
    )
    return yield* attempt.pipe(
      Effect.onExit((exit) =>
        Effect.sync(() => {
          if (Exit.isSuccess(exit)) {
            clientSpanResponse(span, {
              status: exit.value.status,
              headers: exit.value.headers,
              protocolVersion: protocolVersionOf(exit.value)
            }, policy)
          } else {
            clientSpanFailure(span, recordedError(exit.cause), failureOf(exit.cause))
          }
          span.end()
        })
      )
    )
  }).pipe(
    // Ours replaces the platform's span and its traceparent/b3 propagation.
    Effect.locally(HttpClient.currentTracerDisabledWhen, () => true),
    Effect.locally(HttpClient.currentTracerPropagation, false)
  )

/**
 * Wraps any platform `HttpClient`.
 *
 * @example
 * ```ts
 * const client = traced(yield* HttpClient.HttpClient, { timeout: "5 seconds" })
 * ```
 */
export const traced = (base: HttpClient.HttpClient, options: TracedHttpClientOptions = {}): HttpClient.HttpClient =>
  HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (request) => Effect.flatMap(request, (req) => execute(base, req, options)),
    Effect.succeed
  )

/** The traced client over the `HttpClient` in context. */
export const layer = (options: TracedHttpClientOptions): Layer.Layer<TracedHttpClient, never, HttpClient.HttpClient> =>
  Layer.effect(TracedHttpClient, Effect.map(HttpClient.HttpClient, (base) => traced(base, options)))

/** Over `fetch`. */
export const layerFetch = (options: TracedHttpClientOptions): Layer.Layer<TracedHttpClient> =>
  layer(options).pipe(Layer.provide(FetchHttpClient.layer))

/** The platform `HttpClient` in context, traced. */
export const layerReplace = (options: TracedHttpClientOptions): Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, (base) => traced(base, options)))
