/**
 * The `FiberRef`s behind `Baggage` and `Tenant`. Internal: users change them through those
 * modules (`Baggage.set`, `Tenant.withTenant`), whose rules (valid keys, one scope per request)
 * a direct write would skip.
 *
 * @since 0.1.0
 */
import * as FiberRef from "effect/FiberRef"
import { identity } from "effect/Function"
import { type BaggageEntries, emptyBaggage, type TenantInfo } from "./scope.js"

/**
 * The current fiber's baggage. A child fiber starts with its parent's; what a child sets stays
 * in the child (joining does not write it back).
 */
export const BaggageRef: FiberRef.FiberRef<BaggageEntries> = FiberRef.unsafeMake(emptyBaggage, {
  fork: identity,
  join: (parent) => parent
})

/** The tenant the current fiber acts for, if any. */
export const TenantRef: FiberRef.FiberRef<TenantInfo | undefined> = FiberRef.unsafeMake<TenantInfo | undefined>(
  undefined
)
