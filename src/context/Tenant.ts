/**
 * The tenant (organization and user) an Effect program acts for: every span started inside
 * `withTenant` carries `tenant.id` and `user.id`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import { TenantRef } from "./contextRefs.js"
import type { TenantInfo } from "./scope.js"

export type { TenantInfo } from "./scope.js"

/**
 * @example
 * ```ts
 * listUsers("org-456").pipe(Tenant.withTenant({ organizationId: "org-456", userId: "user-123" }))
 * ```
 */
export const withTenant = (tenant: TenantInfo) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(effect, TenantRef, tenant)

/**
 * @example
 * ```ts
 * const tenant = yield* Tenant.current // Option<TenantInfo>
 * ```
 */
export const current: Effect.Effect<Option.Option<TenantInfo>> = Effect.map(FiberRef.get(TenantRef), Option.fromNullable)
