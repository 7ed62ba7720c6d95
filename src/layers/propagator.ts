/**
 * The global propagator that `OTEL_PROPAGATORS` names.
 *
 * @since 0.1.0
 */
import type { TextMapPropagator } from "@opentelemetry/api"
import { CompositePropagator } from "@opentelemetry/core"
import { AWSXRayPropagator } from "@opentelemetry/propagator-aws-xray"
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3"
import type { TracingSettings } from "../config.js"
import { baggageOf } from "../context/scope.js"
import { W3CBaggagePropagator } from "../propagation/W3CBaggagePropagator.js"
import { W3CTraceContextPropagator } from "../propagation/W3CTraceContextPropagator.js"
import { TailKeepPropagator } from "./TailKeepPropagator.js"

/**
 * A composite of the named propagators, in the order given: our W3C Trace Context and Baggage
 * codecs, and the OpenTelemetry packages for B3 (single and multi header) and AWS X-Ray.
 * With tail sampling (`isTailKept`), Trace Context also carries its keep verdict.
 *
 * @example
 * ```ts
 * makePropagator(settings).inject(context.active(), headers, defaultTextMapSetter)
 * ```
 */
export const makePropagator = (
  settings: Pick<TracingSettings, "propagators" | "traceStateVendorKey">,
  isTailKept?: (traceId: string) => boolean
): TextMapPropagator =>
  new CompositePropagator({
    propagators: settings.propagators.map((name) => {
      switch (name) {
        case "tracecontext": {
          const traceContext = new W3CTraceContextPropagator({ vendorKey: settings.traceStateVendorKey })
          return isTailKept === undefined ? traceContext : new TailKeepPropagator(traceContext, isTailKept)
        }
        case "baggage":
          // The request scope's baggage, which `baggage.set` and Effect's `Baggage` change.
          return new W3CBaggagePropagator((context) => baggageOf(context).values())
        case "b3":
          return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER })
        case "b3multi":
          return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })
        case "xray":
          return new AWSXRayPropagator()
      }
    })
  })
