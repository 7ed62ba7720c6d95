/**
 * Which outgoing calls are traced, which receive trace headers, and which headers are recorded.
 *
 * @since 0.1.0
 */
import type { TracingSettings, UrlPattern } from "../config.js"

/**
 * Whether `url` is one the pattern names. A URL pattern matches its scheme and host exactly
 * and its path by whole segments (`https://api.internal` is not `https://api.internal.evil.example`
 * nor `https://api.internal@evil.example`); a host matches exactly, `*.example.com` any host
 * under it.
 */
const matches = (url: URL, pattern: UrlPattern): boolean => {
  if (pattern instanceof RegExp) return pattern.test(url.href)
  if (pattern.includes("://")) {
    let base: URL
    try {
      base = new URL(pattern)
    } catch {
      return false
    }
    if (base.protocol !== url.protocol || base.host !== url.host) return false
    const path = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`
    return path === "/" || url.pathname === base.pathname || url.pathname.startsWith(path)
  }
  const host = pattern.toLowerCase()
  if (host.startsWith("*.")) return url.hostname.endsWith(host.slice(1)) || url.hostname === host.slice(2)
  return url.hostname === host || url.host === host
}

/** The rules every outgoing HTTP call follows. */
export interface HttpPolicy {
  /** False for ignored URLs and for the exporters' own endpoints (no feedback loop). */
  readonly traces: (url: URL) => boolean
  /** Whether the call may carry `traceparent`, `tracestate` and `baggage`. */
  readonly propagates: (url: URL) => boolean
  /** Lowercase header names to record. */
  readonly requestHeaders: ReadonlyArray<string>
  readonly responseHeaders: ReadonlyArray<string>
}

/**
 * @example
 * ```ts
 * makeHttpPolicy(settings.http, [settings.otlp.url]).traces(new URL("http://localhost:4318/v1/traces")) // false
 * ```
 */
export const makeHttpPolicy = (http: TracingSettings["http"], exporterUrls: ReadonlyArray<string>): HttpPolicy => {
  const ignored = [...http.ignoreUrls, ...exporterUrls]
  return {
    traces: (url) => !ignored.some((pattern) => matches(url, pattern)),
    propagates: (url) => http.propagateTo === undefined || http.propagateTo.some((pattern) => matches(url, pattern)),
    requestHeaders: http.requestHeaders,
    responseHeaders: http.responseHeaders
  }
}

/** When no tracing layer is active: nothing is traced. */
export const inactiveHttpPolicy: HttpPolicy = {
  traces: () => false,
  propagates: () => false,
  requestHeaders: [],
  responseHeaders: []
}
