/**
 * SERVER spans for `@effect/platform` HTTP servers, in the same shape as `withTracing`: the
 * caller's `traceparent`, `tracestate` and `baggage` extracted, `{method} {route}` names from
 * `HttpRouter`'s route, error status on 5xx (and on a streamed body that fails half-way) only;
 * the span covers the sending of a streamed body, and says when the client gave up on it.
 *
 * The platform's own server span is replaced, not doubled: `serve` turns it off. The
 * implementation (`httpServerTracingLive.ts`) loads when the middleware first runs.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import type { TenantInfo } from "../context/scope.js"

export interface ServerTracingOptions {
  /** Who the request acts for; its spans then carry `tenant.id` and `user.id`. */
  readonly tenant?: ((request: HttpServerRequest.HttpServerRequest) => TenantInfo | undefined) | undefined
}

type Live = typeof import("./httpServerTracingLive.js")
let loaded: Live | undefined
// Per request: once loaded, the module is at hand without another promise.
const live: Effect.Effect<Live> = Effect.suspend(() =>
  loaded !== undefined
    ? Effect.succeed(loaded)
    : Effect.promise(() => import("./httpServerTracingLive.js")).pipe(Effect.tap((module) => {
      loaded = module
    }))
)

/**
 * The middleware. Use it through `serve`, which also turns the platform's own span off.
 *
 * @example
 * ```ts
 * HttpServer.serve(router, HttpServerTracing.middleware())
 * ```
 */
export const middleware = (options: ServerTracingOptions = {}) =>
<E, R>(
  app: HttpApp.Default<E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, HttpServerRequest.HttpServerRequest | Exclude<R, Tracer.ParentSpan>> =>
  Effect.flatMap(live, (impl) => impl.middleware(options)(app))

/**
 * Serves an app with these SERVER spans instead of the platform's.
 *
 * @example
 * ```ts
 * HttpServerTracing.serve(router).pipe(Layer.provide(NodeHttpServer.layer(createServer, { port: 3000 })))
 * ```
 */
export const serve = <E, R>(
  app: HttpApp.Default<E, R>,
  options: ServerTracingOptions = {}
): Layer.Layer<
  never,
  never,
  HttpServer.HttpServer | Exclude<Exclude<R, Tracer.ParentSpan>, Scope.Scope | HttpServerRequest.HttpServerRequest>
> => Layer.unwrapEffect(Effect.map(live, (impl) => impl.serve(app, options)))
