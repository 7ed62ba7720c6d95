/**
 * Spans for logical calls to third-party APIs (weather, payments): one INTERNAL span
 * `{service}.{operation}` over the HTTP requests the call makes.
 *
 * @since 0.1.0
 */
import type { Attributes, AttributeValue } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import { asText } from "../redaction/asText.js"
import { isSensitiveKey } from "../redaction/sensitiveKey.js"
import { API_ENDPOINT, API_METHOD, API_OPERATION, API_PARAMS, API_SERVICE } from "../semconv.js"

export interface ApiCallOptions {
  /** The HTTP method of the call (`GET`). */
  readonly method?: string | undefined
  /** The endpoint's template (`/forecast`), never a URL with values in it. */
  readonly endpoint?: string | undefined
  /** Parameters, recorded as `api.params.<name>`; values of secret-looking names are masked. */
  readonly params?: Readonly<Record<string, unknown>> | undefined
}

/** What replaces the value of a parameter whose name names a secret. */
export const REDACTED_VALUE = "[REDACTED]"

const attributeValue = (value: unknown): AttributeValue | undefined => {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as Array<string>
  if (Array.isArray(value) && value.every((item) => typeof item === "number")) return value as Array<number>
  return undefined
}

/**
 * @example
 * ```ts
 * apiCallSpan("weather-service", "get-forecast", { method: "GET", endpoint: "/forecast", params: { lat, lon } })
 * // { name: "weather-service.get-forecast", attributes: { "api.service": "weather-service", ... } }
 * ```
 */
export const apiCallSpan = (service: string, operation: string, given: ApiCallOptions = {}) => {
  // Untyped callers: whatever is not of the documented type is left out, never thrown over.
  const options: ApiCallOptions = typeof given === "object" && given !== null ? given : {}
  const attributes: Attributes = { [API_SERVICE]: asText(service), [API_OPERATION]: asText(operation) }
  if (typeof options.method === "string") attributes[API_METHOD] = options.method.toUpperCase()
  if (typeof options.endpoint === "string") attributes[API_ENDPOINT] = options.endpoint
  const params = typeof options.params === "object" && options.params !== null ? options.params : {}
  for (const [key, value] of Object.entries(params)) {
    const recorded = isSensitiveKey(key) ? REDACTED_VALUE : attributeValue(value)
    if (recorded !== undefined) attributes[`${API_PARAMS}.${key}`] = recorded
  }
  return { name: `${asText(service)}.${asText(operation)}`, attributes }
}

/**
 * Wraps an effect in the API call's span; the HTTP client spans inside are its children.
 *
 * @example
 * ```ts
 * client.get(url).pipe(apiCall("weather-service", "get-forecast", { method: "GET", endpoint: "/forecast" }))
 * ```
 */
export const apiCall = (service: string, operation: string, options: ApiCallOptions = {}) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const { name, attributes } = apiCallSpan(service, operation, options)
  return Effect.withSpan(effect, name, { kind: "internal", attributes, captureStackTrace: false })
}
