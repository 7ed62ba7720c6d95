// A plain JavaScript consumer inside the package: these imports resolve through package.json
// "exports" to the built dist/ (Node's self-reference), exactly as a user's would.
import { traceAsync, tracer, shutdownTracing, Tracing, TracingLive, SpanKind } from "@blipee/tracing"
import { initTestTracing, TracingTest } from "@blipee/tracing/testing"

const spans = initTestTracing({ serviceName: "consumer" })
const value = await traceAsync("outer", () => tracer.startActiveSpan("inner", { kind: SpanKind.CLIENT }, async () => 21 * 2))
const [root] = spans.tree()
console.log(JSON.stringify({
  value,
  root: root.span.name,
  children: root.children.map((child) => child.span.name),
  layers: [typeof Tracing.layer, typeof TracingLive, typeof TracingTest]
}))
await shutdownTracing()
