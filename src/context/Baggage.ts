/**
 * W3C baggage in Effect code: a `FiberRef` that follows `fork`, `Effect.all`, `forEach` and
 * streams, and crosses process boundaries in the `baggage` header.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import { type BaggageEntry, isBaggageKey } from "../propagation/baggage.js"
import { BaggageRef } from "./contextRefs.js"
import { type BaggageInput, baggageList, toBaggageEntries } from "./scope.js"

/** A key that is not an RFC 7230 token cannot travel in the `baggage` header. */
export class InvalidBaggageKey extends Data.TaggedError("InvalidBaggageKey")<{ readonly key: string }> {
  override get message() {
    return `invalid baggage key ${JSON.stringify(this.key)}: keys are HTTP tokens (letters, digits and !#$%&'*+-.^_\`|~)`
  }
}

/**
 * Sets an entry for the rest of the current fiber (and the fibers it forks from now on).
 *
 * @example
 * ```ts
 * yield* Baggage.set("user.id", "user-123")
 * ```
 */
export const set = (key: string, value: string, metadata?: string): Effect.Effect<void, InvalidBaggageKey> =>
  isBaggageKey(key)
    ? FiberRef.update(BaggageRef, (entries) => new Map(entries).set(key, { key, value, metadata }))
    : Effect.fail(new InvalidBaggageKey({ key }))

/**
 * @example
 * ```ts
 * const userId = yield* Baggage.get("user.id") // Option<string>
 * ```
 */
export const get = (key: string): Effect.Effect<Option.Option<string>> =>
  Effect.map(FiberRef.get(BaggageRef), (entries) => Option.fromNullable(entries.get(key)?.value))

/**
 * Every entry, as key → value.
 *
 * @example
 * ```ts
 * const all = yield* Baggage.getAll // { "user.id": "user-123", ... }
 * ```
 */
export const getAll: Effect.Effect<Readonly<Record<string, string>>> = Effect.map(
  FiberRef.get(BaggageRef),
  (entries) => Object.fromEntries([...entries.values()].map((entry) => [entry.key, entry.value]))
)

/** Every entry with its metadata. */
export const entries: Effect.Effect<ReadonlyArray<BaggageEntry>> = Effect.map(
  FiberRef.get(BaggageRef),
  (all) => [...all.values()]
)

/**
 * @example
 * ```ts
 * yield* Baggage.remove("user.id")
 * ```
 */
export const remove = (key: string): Effect.Effect<void> =>
  FiberRef.update(BaggageRef, (entries) => {
    if (!entries.has(key)) return entries
    const next = new Map(entries)
    next.delete(key)
    return next
  })

/**
 * Runs an effect with these entries added to the baggage.
 *
 * @example
 * ```ts
 * program.pipe(Baggage.withBaggage({ "tenant.id": "tenant-456" }))
 * ```
 */
export const withBaggage = (added: BaggageInput) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | InvalidBaggageKey, R> => {
  const list = baggageList(added)
  const invalid = list.find((entry) => !isBaggageKey(entry.key))
  if (invalid !== undefined) return Effect.fail(new InvalidBaggageKey({ key: invalid.key }))
  return Effect.locallyWith(effect, BaggageRef, (current) => new Map([...current, ...toBaggageEntries(list)]))
}
