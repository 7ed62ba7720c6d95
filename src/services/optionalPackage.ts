/**
 * The optional peer dependencies (`pg`, `@electric-sql/pglite`, `@effect/platform-node`): each
 * is loaded by the one layer that needs it, when that layer is built, so an application that
 * never uses it neither installs nor loads it, and one that uses it without installing it gets
 * an error that names the package and the command that installs it.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

/** A layer needs an optional package that is not installed. */
export class MissingPackageError extends Data.TaggedError("MissingPackageError")<{
  /** The package to install. */
  readonly packageName: string
  /** What needs it, e.g. `DbClient.layerPg`. */
  readonly neededBy: string
  readonly message: string
  readonly cause: unknown
}> {}

/** Whether `error` says that `packageName` itself (not something it imports) cannot be found. */
const isMissing = (error: unknown, packageName: string): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false
  const message = String((error as { message?: unknown }).message)
  return message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`) || message.includes(`'${packageName}/`)
}

/**
 * Loads an optional package with `load` (a literal `import(...)`, so that bundlers see it).
 * Not installed: a `MissingPackageError`; installed but failing to load: a defect, as it is.
 *
 * @example
 * ```ts
 * const pg = yield* importOptional("pg", "DbClient.layerPg", () => import("pg"))
 * ```
 */
export const importOptional = <A>(
  packageName: string,
  neededBy: string,
  load: () => Promise<A>
): Effect.Effect<A, MissingPackageError> =>
  Effect.tryPromise({ try: load, catch: (cause) => cause }).pipe(
    Effect.catchAll((cause) =>
      isMissing(cause, packageName)
        ? Effect.fail(
          new MissingPackageError({
            packageName,
            neededBy,
            message: `${neededBy} needs the optional package "${packageName}", which is not installed: npm i ${packageName}`,
            cause
          })
        )
        : Effect.die(cause)
    )
  )
