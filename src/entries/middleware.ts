/**
 * `@blipee/tracing/middleware`: SERVER spans for incoming requests.
 *
 * @since 0.1.0
 */
export { type RequestListenerOptions, tracingRequestListener } from "../facade/tracingRequestListener.js"
export { withTracing, type WithTracingOptions } from "../facade/withTracing.js"
export * as HttpServerTracing from "../services/HttpServerTracing.js"
