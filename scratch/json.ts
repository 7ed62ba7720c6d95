import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer"
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { decodeStrictJson } from "../test/support/otlp.js"
const ex = new InMemorySpanExporter()
const p = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(ex)] })
const s = p.getTracer("x").startSpan("a", { attributes: { n: 3, s: "x" } }); s.addEvent("e"); s.end()
const body = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(ex.getFinishedSpans()))
console.log(body.slice(0, 600))
try { decodeStrictJson(body) } catch (e) { console.log(String(e)) }
