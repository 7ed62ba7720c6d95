/**
 * The request scope: the baggage and tenant of one request, kept in the OpenTelemetry
 * `Context` so that they follow async/await code, and seen in the same shape by Effect code.
 *
 * The scope is a mutable cell so that the seed's imperative `baggage.set(key, value)` is seen
 * by the rest of the request; each request gets its own cell, so concurrent requests never
 * share one.
 *
 * @since 0.1.0
 */
import { type Context, createContextKey, diag, propagation } from "@opentelemetry/api"
import type { BaggageEntry } from "../propagation/baggage.js"
import { baggageEntries } from "../propagation/W3CBaggagePropagator.js"

/** Baggage entries by key, in insertion order. */
export type BaggageEntries = ReadonlyMap<string, BaggageEntry>

/** Who a request acts for: every span started on its behalf carries `tenant.id` and `user.id`. */
export interface TenantInfo {
  readonly organizationId: string
  readonly userId?: string | undefined
}

/** The values of one request scope. */
export class RequestScope {
  constructor(public baggage: BaggageEntries, public tenant: TenantInfo | undefined) {}
}

const SCOPE = createContextKey("@blipee/tracing/request-scope")

export const emptyBaggage: BaggageEntries = new Map()

/** The request scope of a context, if it has one. */
export const scopeOf = (context: Context): RequestScope | undefined => context.getValue(SCOPE) as RequestScope | undefined

/** The context with this scope (or, with `undefined`, with none: hides a scope from further up). */
export const withScope = (context: Context, scope: RequestScope | undefined): Context => context.setValue(SCOPE, scope)

/** Entries by key; for a repeated key the last wins. */
export const toBaggageEntries = (entries: Iterable<BaggageEntry>): BaggageEntries => {
  const map = new Map<string, BaggageEntry>()
  for (const entry of entries) map.set(entry.key, entry)
  return map
}

/** Entries given as a key → value record, or as entries with metadata. */
export type BaggageInput = Readonly<Record<string, string>> | Iterable<BaggageEntry>

/** The entries of a `BaggageInput`, in order. */
export const baggageList = (input: BaggageInput): Array<BaggageEntry> =>
  Symbol.iterator in input
    ? [...(input as Iterable<BaggageEntry>)]
    : Object.entries(input).map(([key, value]) => ({ key, value }))

/**
 * The baggage a context carries: its request scope's, or else the OpenTelemetry baggage in it
 * (as a plain `propagation.extract` leaves it).
 *
 * @example
 * ```ts
 * baggageOf(context.active()).get("user.id")?.value
 * ```
 */
export const baggageOf = (context: Context): BaggageEntries => {
  const scope = scopeOf(context)
  if (scope !== undefined) return scope.baggage
  const baggage = propagation.getBaggage(context)
  return baggage === undefined ? emptyBaggage : toBaggageEntries(baggageEntries(baggage))
}

/**
 * The context without baggage or tenant: for requests to a third party (an AI provider), which
 * get the trace context but not the user ids that baggage carries.
 *
 * @example
 * ```ts
 * injectContext(headers, withoutBaggage(context.active()))
 * ```
 */
export const withoutBaggage = (context: Context): Context => withScope(propagation.deleteBaggage(context), undefined)

/** The tenant of a context's request scope. */
export const tenantOf = (context: Context): TenantInfo | undefined => scopeOf(context)?.tenant

/**
 * A new request scope over an extracted context: the baggage that arrived, and the tenant.
 *
 * @example
 * ```ts
 * const parent = withRequestScope(extractContext(request), tenant)
 * ```
 */
export const withRequestScope = (extracted: Context, tenant: TenantInfo | undefined): Context =>
  withScope(extracted, new RequestScope(baggageOf(extracted), tenant))

/**
 * Calls a user's tenant hook; one that throws costs the tenant attributes, not the request.
 *
 * @example
 * ```ts
 * const tenant = tenantFromHook(options.tenant, request)
 * ```
 */
export const tenantFromHook = <Req>(
  hook: ((request: Req) => TenantInfo | undefined) | undefined,
  request: Req
): TenantInfo | undefined => {
  try {
    return hook?.(request)
  } catch (error) {
    diag.warn(`@blipee/tracing: the tenant hook threw, continuing without a tenant: ${String(error)}`)
    return undefined
  }
}
