/**
 * The one `error.type` rule every span and metric of this library follows, Effect and facade
 * alike.
 *
 * @since 0.1.0
 */

/** A code an error carries that is worth grouping by: `ECONNREFUSED`, a SQLSTATE (`23505`), Prisma's `P2002`. */
const CODE = /^[0-9A-Z_]{2,32}$/

/** How far down `cause` a code is looked for: wrappers (fetch's `TypeError`, Effect's `RequestError`) are a level or two. */
const CAUSE_DEPTH = 4

const codeOf = (error: unknown): string | undefined => {
  let current = error
  for (let depth = 0; depth <= CAUSE_DEPTH && typeof current === "object" && current !== null; depth++) {
    const { status, code, cause } = current as { status?: unknown; code?: unknown; cause?: unknown }
    if (typeof status === "number" && Number.isInteger(status)) return String(status)
    if (typeof code === "string" && CODE.test(code)) return code
    current = cause
  }
  return undefined
}

/**
 * `error.type` of a failure, low in cardinality as the conventions ask: the most specific code
 * the error or one of its causes carries (the HTTP status of an SDK's error, a Node system
 * error code, a SQLSTATE), else its class name (a tagged error's tag), else `_OTHER`.
 *
 * @example
 * ```ts
 * errorType(new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }))
 * // "ECONNREFUSED"
 * ```
 */
export const errorType = (error: unknown): string => {
  try {
    const code = codeOf(error)
    if (code !== undefined) return code
    if (error instanceof Error) return error.constructor?.name || error.name || "Error"
    const tag = (error as { _tag?: unknown } | null)?._tag
    return typeof tag === "string" && tag !== "" ? tag : "_OTHER"
  } catch {
    return "_OTHER" // An error whose properties cannot be read.
  }
}
