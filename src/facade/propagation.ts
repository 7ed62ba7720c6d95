/**
 * The seed's propagation API for async/await code: `extractTraceContext`,
 * `injectTraceContext` and `baggage`.
 *
 * @since 0.1.0
 */
import { type Context, context, diag } from "@opentelemetry/api"
import { extractContext, type HeaderTarget, injectContext } from "../context/headers.js"
import {
  type BaggageInput,
  baggageList,
  baggageOf,
  RequestScope,
  scopeOf,
  toBaggageEntries,
  withScope
} from "../context/scope.js"
import { isBaggageKey } from "../propagation/baggage.js"
import type { HeaderSource } from "../propagation/headerValue.js"
import { ensureTracing } from "./runtime.js"

/**
 * The trace context an incoming request carries (`traceparent`, `tracestate`, `baggage`), as an
 * OpenTelemetry `Context` to run the handling in. Accepts a `Request`, `Headers`, Node's
 * `IncomingHttpHeaders` or a plain record; malformed headers are ignored.
 *
 * @example
 * ```ts
 * const traceContext = extractTraceContext(request)
 * await context.with(traceContext, () => traceAsync("handle", handle))
 * ```
 */
export const extractTraceContext = (source: HeaderSource): Context => {
  ensureTracing()
  return extractContext(source)
}

/**
 * Writes `traceparent`, `tracestate` and `baggage` of the active span and request scope into
 * `headers` (Fetch `Headers` or a plain object) and returns them.
 *
 * @example
 * ```ts
 * await fetch(url, { headers: injectTraceContext({ "content-type": "application/json" }) })
 * ```
 */
export const injectTraceContext = <H extends HeaderTarget>(headers: H, from: Context = context.active()): H => {
  ensureTracing()
  return injectContext(headers, from)
}

let warnedOutsideScope = false

const checkedKey = (key: string) => {
  if (!isBaggageKey(key)) {
    throw new TypeError(`invalid baggage key ${JSON.stringify(key)}: keys are HTTP tokens (letters, digits and !#$%&'*+-.^_\`|~)`)
  }
  return key
}

const currentScope = (): RequestScope | undefined => {
  const scope = scopeOf(context.active())
  if (scope === undefined && !warnedOutsideScope) {
    warnedOutsideScope = true
    diag.warn("@blipee/tracing: baggage changed outside a request scope (withTracing or baggage.run); ignored")
  }
  return scope
}

/**
 * The request's baggage, for async/await code. `set` and `remove` change the baggage of the
 * current request scope (made by `withTracing`, or by `baggage.run`) for the rest of the request
 * and for its outgoing calls; concurrent requests never see each other's.
 *
 * @example
 * ```ts
 * baggage.set("user.id", "user-123")
 * baggage.set("tenant.id", "tenant-456")
 * const userId = baggage.get("user.id")
 * const allBaggage = baggage.getAll()
 * ```
 */
export const baggage = {
  set(key: string, value: string, metadata?: string): void {
    checkedKey(key)
    const scope = currentScope()
    if (scope !== undefined) scope.baggage = new Map(scope.baggage).set(key, { key, value, metadata })
  },
  get(key: string): string | undefined {
    return baggageOf(context.active()).get(key)?.value
  },
  getAll(): Record<string, string> {
    return Object.fromEntries([...baggageOf(context.active()).values()].map((entry) => [entry.key, entry.value]))
  },
  remove(key: string): void {
    const scope = currentScope()
    if (scope === undefined || !scope.baggage.has(key)) return
    const next = new Map(scope.baggage)
    next.delete(key)
    scope.baggage = next
  },
  /**
   * Runs `fn` in a new request scope holding the current baggage plus `entries`: for code that
   * is not an HTTP handler (a queue consumer, a cron job).
   */
  run<R>(entries: BaggageInput, fn: () => R): R {
    const list = baggageList(entries)
    list.forEach((entry) => checkedKey(entry.key))
    const active = context.active()
    const scope = new RequestScope(
      new Map([...baggageOf(active), ...toBaggageEntries(list)]),
      scopeOf(active)?.tenant
    )
    return context.with(withScope(active, scope), fn)
  }
}
