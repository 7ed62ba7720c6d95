/**
 * `@blipee/tracing/http`: outgoing HTTP calls, traced and propagating.
 *
 * @since 0.1.0
 */
export { traceApiClient, traceFetch, traceOutgoingRequest } from "../facade/http.js"
export * as TracedHttpClient from "../services/TracedHttpClient.js"
export { apiCall, type ApiCallOptions } from "../services/apiClient.js"
