/**
 * `@blipee/tracing/http`: outgoing HTTP calls, traced and propagating.
 *
 * @since 0.1.0
 */
export { traceApiClient, traceFetch, traceOutgoingRequest } from "../facade/http.js"
export type { TracedHttpClientOptions } from "../services/TracedHttpClient.js"
export { apiCall, type ApiCallOptions } from "../services/apiClient.js"
