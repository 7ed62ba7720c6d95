// A plain JavaScript consumer inside the package: these imports resolve through package.json
// "exports" to the built dist/ (Node's self-reference), exactly as a user's would.
import { traceAsync, tracer, shutdownTracing, Tracing, TracingLive, SpanKind } from "@blipee/tracing"
import { initTestTracing, TracingTest } from "@blipee/tracing/testing"
import { parseTraceparent, injectTraceContext } from "@blipee/tracing/propagation"
import { withTracing } from "@blipee/tracing/middleware"

const spans = initTestTracing({ serviceName: "consumer" })
const value = await traceAsync("outer", () => tracer.startActiveSpan("inner", { kind: SpanKind.CLIENT }, async () => 21 * 2))
const handled = await withTracing(async () => Response.json(injectTraceContext({})), { route: "/x" })(
  new Request("http://localhost/x", { headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } })
)
const forwarded = parseTraceparent((await handled.json()).traceparent)
const [root] = spans.tree()
console.log(JSON.stringify({
  value,
  root: root.span.name,
  children: root.children.map((child) => child.span.name),
  layers: [typeof Tracing.layer, typeof TracingLive, typeof TracingTest],
  forwardedTrace: forwarded.traceId
}))
await shutdownTracing()
