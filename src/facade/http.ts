/**
 * The seed's HTTP API for async/await code: `traceFetch`, `traceOutgoingRequest`,
 * `traceApiClient`.
 *
 * @since 0.1.0
 */
import { context, INVALID_SPAN_CONTEXT, type Span, SpanKind, trace } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import { activePolicy } from "../layers/globalRegistration.js"
import { apiCall, type ApiCallOptions, apiCallSpan } from "../services/apiClient.js"
import { type ClientFailure, clientSpanFailure, clientSpanOpen, clientSpanResponse } from "../services/httpClientSpan.js"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { inNewSpan } from "./inNewSpan.js"

const urlOf = (input: string | URL | Request): URL | undefined => {
  try {
    return new URL(typeof input === "string" || input instanceof URL ? input : input.url)
  } catch {
    return undefined
  }
}

/** An abort by the caller is a cancellation; an `AbortSignal.timeout` firing is a timeout. */
const failureOf = (signal: AbortSignal | null | undefined): ClientFailure => {
  if (signal?.aborted !== true) return "error"
  const reason = signal.reason as { name?: unknown } | undefined
  return reason?.name === "TimeoutError" ? "timeout" : "cancelled"
}

/**
 * `fetch`, traced: same arguments, same result, with a CLIENT span and the trace headers
 * (`traceparent`, `tracestate`, `baggage`) added to the request.
 *
 * @example
 * ```ts
 * const response = await traceFetch("https://api.example.com/data", {
 *   method: "POST",
 *   headers: { "Content-Type": "application/json" },
 *   body: JSON.stringify(data)
 * })
 * ```
 */
export const traceFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  ensureTracing()
  const policy = activePolicy().http
  const url = urlOf(input)
  if (url === undefined || !policy.traces(url)) return fetch(input, init)
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
  const method = init?.method ?? (input instanceof Request ? input.method : "GET")
  const { span, context: active, headers: traceHeaders } = clientSpanOpen(facadeTracer, { method, url, headers }, context.active(), policy)
  for (const [name, value] of Object.entries(traceHeaders)) headers.set(name, value)
  try {
    const response = await context.with(active, () => fetch(input, { ...init, headers }))
    clientSpanResponse(span, response, policy)
    return response
  } catch (error) {
    clientSpanFailure(span, error, failureOf(init?.signal ?? (input instanceof Request ? input.signal : undefined)))
    throw error
  } finally {
    span.end()
  }
}

const statusOf = (result: unknown): number | undefined => {
  if (typeof result !== "object" || result === null) return undefined
  try {
    const status = (result as { status?: unknown; statusCode?: unknown }).status ?? (result as { statusCode?: unknown }).statusCode
    return typeof status === "number" ? status : undefined
  } catch {
    return undefined // A result whose properties throw: the call is recorded without a status.
  }
}

/**
 * Traces a call made with any HTTP client: `fn` receives the trace headers to send and the
 * span; the status is taken from what it returns when that has a `status` or `statusCode`.
 *
 * @example
 * ```ts
 * const data = await traceOutgoingRequest("GET", "https://api.example.com/resource", async (headers) => {
 *   return await customHttpClient.get(url, { headers })
 * })
 * ```
 */
export const traceOutgoingRequest = async <T>(
  method: string,
  url: string | URL,
  fn: (headers: Record<string, string>, span: Span) => T | PromiseLike<T>
): Promise<T> => {
  ensureTracing()
  const policy = activePolicy().http
  const parsed = urlOf(url)
  if (parsed === undefined || !policy.traces(parsed)) return fn({}, trace.wrapSpanContext(INVALID_SPAN_CONTEXT))
  const { span, context: active, headers } = clientSpanOpen(facadeTracer, { method, url: parsed, headers: {} }, context.active(), policy)
  try {
    const result = await context.with(active, () => fn(headers, span))
    const status = statusOf(result)
    if (status !== undefined) clientSpanResponse(span, { status, headers: {} }, policy)
    return result
  } catch (error) {
    clientSpanFailure(span, error, "error")
    throw error
  } finally {
    span.end()
  }
}

/**
 * A logical call to a third-party API, as one INTERNAL span `{service}.{operation}` over the
 * HTTP requests it makes. Takes an async function (returns a Promise) or an Effect (returns an
 * Effect).
 *
 * @example
 * ```ts
 * const weatherData = await traceApiClient("weather-service", "get-forecast", async () => {
 *   return await weatherAPI.getForecast(location)
 * }, { method: "GET", endpoint: "/forecast", params: { lat, lon } })
 * ```
 */
export function traceApiClient<T>(
  service: string,
  operation: string,
  fn: (span: Span) => T | PromiseLike<T>,
  options?: ApiCallOptions
): Promise<T>
export function traceApiClient<A, E, R>(
  service: string,
  operation: string,
  effect: Effect.Effect<A, E, R>,
  options?: ApiCallOptions
): Effect.Effect<A, E, R>
export function traceApiClient(
  service: string,
  operation: string,
  call: ((span: Span) => unknown) | Effect.Effect<unknown, unknown, unknown>,
  options: ApiCallOptions = {}
): Promise<unknown> | Effect.Effect<unknown, unknown, unknown> {
  if (Effect.isEffect(call)) return apiCall(service, operation, options)(call)
  const { name, attributes } = apiCallSpan(service, operation, options)
  return inNewSpan(name, { kind: SpanKind.INTERNAL, attributes }, call)
}
