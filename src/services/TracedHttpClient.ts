/**
 * `TracedHttpClient`: `@effect/platform`'s `HttpClient`, with a CLIENT span per attempt in the
 * stable HTTP semantic conventions and `traceparent`, `tracestate` and `baggage` on every
 * request (the platform on its own sends `traceparent` and `b3`, and no baggage).
 *
 * It replaces the platform's own client span rather than adding one on top. The implementation
 * (`tracedHttpClientLive.ts`) loads when a layer is built.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { currentSendsBaggage, currentUrlTemplate } from "./httpClientRefs.js"
import { importOptional, type MissingPackageError } from "./optionalPackage.js"

export interface TracedHttpClientOptions {
  /** Fails an attempt that has no response by then (ERROR, `error.type=timeout`), aborting it. */
  readonly timeout?: Duration.DurationInput | undefined
}

const live = Effect.promise(() => import("./tracedHttpClientLive.js"))

/**
 * The traced client, with the platform's `HttpClient` interface; its layers are
 * `TracedHttpClient.layerFetch()` (the default), `layerNode()`, `layer()` over the `HttpClient`
 * in context, and `layerReplace()`.
 *
 * @example
 * ```ts
 * const client = yield* TracedHttpClient
 * const response = yield* client.get("https://api.example.com/forecast")
 * ```
 */
export class TracedHttpClient extends Context.Tag("@blipee/tracing/TracedHttpClient")<
  TracedHttpClient,
  HttpClient.HttpClient
>() {
  /**
   * Requests made inside `effect` carry `traceparent` and `tracestate` but no `baggage`: for a
   * third party that must not learn user or tenant ids.
   *
   * @example
   * ```ts
   * http.execute(request).pipe(TracedHttpClient.withoutBaggagePropagation)
   * ```
   */
  static withoutBaggagePropagation<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return Effect.locally(effect, currentSendsBaggage, false)
  }

  /**
   * Names the client spans of the requests inside by this template (`GET /forecast/{city}`)
   * instead of just the method; the full URL never names a span.
   *
   * @example
   * ```ts
   * client.get(`/forecast/${city}`).pipe(TracedHttpClient.withUrlTemplate("/forecast/{city}"))
   * ```
   */
  static withUrlTemplate(template: string): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> {
    return (effect) => Effect.locally(effect, currentUrlTemplate, template)
  }

  /**
   * The traced client over the `HttpClient` in context.
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(TracedHttpClient.layer()), Effect.provide(FetchHttpClient.layer))
   * ```
   */
  static layer(options: TracedHttpClientOptions = {}): Layer.Layer<TracedHttpClient, never, HttpClient.HttpClient> {
    return Layer.unwrapEffect(Effect.map(live, (impl) => impl.layer(options)))
  }

  /**
   * Over `fetch` (the default).
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(TracedHttpClient.layerFetch({ timeout: "10 seconds" })))
   * ```
   */
  static layerFetch(options: TracedHttpClientOptions = {}): Layer.Layer<TracedHttpClient> {
    return Layer.unwrapEffect(Effect.map(live, (impl) => impl.layerFetch(options)))
  }

  /**
   * Over Node's `http`/`https` (reports `network.protocol.version`); needs the optional
   * `@effect/platform-node`.
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(TracedHttpClient.layerNode()))
   * ```
   */
  static layerNode(options: TracedHttpClientOptions = {}): Layer.Layer<TracedHttpClient, MissingPackageError> {
    return Layer.unwrapEffect(Effect.zipWith(
      live,
      importOptional("@effect/platform-node", "TracedHttpClient.layerNode", () => import("@effect/platform-node/NodeHttpClient")),
      (impl, NodeHttpClient) => impl.layer(options).pipe(Layer.provide(NodeHttpClient.layer))
    ))
  }

  /**
   * Replaces the platform `HttpClient` in context with the traced one, for code that asks for
   * `HttpClient.HttpClient` itself.
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(TracedHttpClient.layerReplace()), Effect.provide(FetchHttpClient.layer))
   * ```
   */
  static layerReplace(
    options: TracedHttpClientOptions = {}
  ): Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient> {
    return Layer.unwrapEffect(Effect.map(live, (impl) => impl.layerReplace(options)))
  }
}
