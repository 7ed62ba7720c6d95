/**
 * What `withTracing` needs to know about Next.js: its control-flow errors, and the route
 * template it records on its own spans.
 *
 * @since 0.1.0
 */
import type { Span } from "@opentelemetry/api"

/**
 * A Next.js control-flow signal thrown through a handler (`redirect()`, `notFound()`,
 * `forbidden()`, `unauthorized()`, the dynamic-rendering bail-outs, React's postpone): what
 * Next's own `unstable_rethrow` passes on. Not a failure, and never to be caught.
 */
export interface NextControlFlow {
  /** The response status it stands for, when it stands for one. */
  readonly status: number | undefined
}

const REACT_POSTPONE = Symbol.for("react.postpone")
const BAIL_OUTS = new Set(["DYNAMIC_SERVER_USAGE", "BAILOUT_TO_CLIENT_SIDE_RENDERING", "HANGING_PROMISE_REJECTION"])

/**
 * Recognizes Next's control-flow errors by their `digest`, as Next itself does (so without
 * importing Next).
 *
 * @example
 * ```ts
 * nextControlFlow(Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/login;307;" }))
 * // { status: 307 }
 * ```
 */
export const nextControlFlow = (error: unknown): NextControlFlow | undefined => {
  if (typeof error !== "object" || error === null) return undefined
  if ((error as { $$typeof?: unknown }).$$typeof === REACT_POSTPONE) return { status: undefined }
  const digest = (error as { digest?: unknown }).digest
  if (typeof digest !== "string") return undefined
  if (digest.startsWith("NEXT_REDIRECT;")) return { status: statusAt(digest.split(";")[3]) }
  if (digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;")) return { status: statusAt(digest.split(";")[1]) }
  if (digest === "NEXT_NOT_FOUND") return { status: 404 }
  if (BAIL_OUTS.has(digest) || digest.startsWith("NEXT_")) return { status: undefined }
  return undefined
}

const statusAt = (text: string | undefined): number | undefined => {
  const status = Number(text)
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined
}

/**
 * The route template (`/api/users/[id]`) of the file-system route that Next.js puts on its own
 * route-handler span as `next.route` (`/api/users/[id]/route`, `/(shop)/cart/route`), when
 * that span is the active one and was recorded: the file name and route groups, which are not
 * part of the URL, removed.
 *
 * @example
 * ```ts
 * nextRoute(trace.getActiveSpan()) // "/api/users/[id]"
 * ```
 */
export const nextRoute = (span: Span | undefined): string | undefined => {
  const route = (span as { attributes?: Record<string, unknown> } | undefined)?.attributes?.["next.route"]
  if (typeof route !== "string" || !route.startsWith("/")) return undefined
  const segments = route.split("/").filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment))
  if (segments.at(-1) === "route" || segments.at(-1) === "page") segments.pop()
  return `/${segments.join("/")}`
}
