/**
 * The parts of the HTTP semantic conventions shared by client and server spans.
 *
 * @since 0.1.0
 */
import type { Attributes } from "@opentelemetry/api"
import { type HeaderSource, headerValues } from "../propagation/headerValue.js"
import { HTTP_REQUEST_METHOD, HTTP_REQUEST_METHOD_ORIGINAL } from "../semconv.js"

const KNOWN_METHODS = new Set(["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE", "QUERY"])

/**
 * `http.request.method` (`_OTHER` outside the standard methods, with the original kept), and
 * the method's part of a span name (`HTTP` for `_OTHER`).
 *
 * @example
 * ```ts
 * methodAttributes("purge") // { spanName: "HTTP", attributes: { "http.request.method": "_OTHER", "http.request.method_original": "purge" } }
 * ```
 */
export const methodAttributes = (method: string): { spanName: string; attributes: Attributes } => {
  // An untyped caller may pass anything: no method is an unknown one (`_OTHER`), not a crash.
  const upper = typeof method === "string" ? method.toUpperCase() : "_OTHER"
  const known = KNOWN_METHODS.has(upper)
  const attributes: Attributes = { [HTTP_REQUEST_METHOD]: known ? upper : "_OTHER" }
  if (typeof method === "string" && (!known || upper !== method)) attributes[HTTP_REQUEST_METHOD_ORIGINAL] = method
  return { spanName: known ? upper : "HTTP", attributes }
}

/**
 * `http.request.header.<name>` / `http.response.header.<name>` for the allow-listed headers
 * present, each an array of values.
 *
 * @example
 * ```ts
 * headerAttributes("http.response.header", response.headers, ["content-type"])
 * ```
 */
export const headerAttributes = (
  prefix: "http.request.header" | "http.response.header",
  headers: HeaderSource,
  names: ReadonlyArray<string>
): Attributes => {
  const attributes: Attributes = {}
  for (const name of names) {
    const values = headerValues(headers, name)
    if (values.length > 0) attributes[`${prefix}.${name}`] = [...values]
  }
  return attributes
}

/** The port a URL talks to, explicit or its scheme's default. */
export const portOf = (url: URL): number | undefined =>
  url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : url.protocol === "http:" ? 80 : undefined
