/**
 * What a fiber says about its outgoing requests, shared by `TracedHttpClient`'s combinators and
 * the implementation that reads it.
 *
 * @since 0.1.0
 */
import * as FiberRef from "effect/FiberRef"

/** The URL template of requests made inside `withUrlTemplate`. */
export const currentUrlTemplate = FiberRef.unsafeMake<string | undefined>(undefined)

/** Whether requests of this fiber carry `baggage` (off for AI providers unless asked). */
export const currentSendsBaggage = FiberRef.unsafeMake(true)
