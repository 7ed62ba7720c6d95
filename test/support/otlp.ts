/**
 * Decoding of OTLP trace export requests for the test receivers: the official proto schema
 * (the `.proto` files `@elastic/mockotlpserver` ships), and one normalized span shape for
 * protobuf and JSON bodies alike.
 */
import { createRequire } from "node:module"
import * as path from "node:path"
import Long from "long"
import protobuf from "protobufjs"

const require = createRequire(import.meta.url)
const protoRoot = path.join(path.dirname(require.resolve("@elastic/mockotlpserver/package.json")))

/** `ExportTraceServiceRequest` from the official OpenTelemetry proto files. */
export const ExportTraceServiceRequest: protobuf.Type = (() => {
  const root = new protobuf.Root()
  root.resolvePath = (_origin, target) => path.join(protoRoot, target)
  root.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto", { keepCase: false })
  return root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest")
})()

export interface ReceivedEvent {
  readonly name: string
  readonly attributes: Record<string, unknown>
}

export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly traceState: string
  readonly flags: number
  readonly name: string
  readonly kind: number
  readonly startTimeUnixNano: bigint
  readonly endTimeUnixNano: bigint
  readonly attributes: Record<string, unknown>
  readonly events: ReadonlyArray<ReceivedEvent>
  readonly links: ReadonlyArray<{ traceId: string; spanId: string }>
  readonly status: { readonly code: number; readonly message: string }
  readonly resource: Record<string, unknown>
  readonly scope: { readonly name: string; readonly version: string }
}

const toHex = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  if (typeof value === "string") return /^[0-9a-f]*$/.test(value) ? value : Buffer.from(value, "base64").toString("hex")
  return Buffer.from(value as Uint8Array).toString("hex")
}

const toBigInt = (value: unknown): bigint => value === undefined || value === null ? 0n : BigInt(String(value))

/** An OTLP `AnyValue` as a plain JavaScript value. */
export const anyValue = (value: any): unknown => {
  if (value === undefined || value === null) return undefined
  const key = Object.keys(value).find((k) => value[k] !== undefined && value[k] !== null)
  switch (key) {
    case "stringValue":
    case "boolValue":
    case "doubleValue":
      return value[key]
    case "intValue":
      return Number(String(value.intValue))
    case "arrayValue":
      return (value.arrayValue.values ?? []).map(anyValue)
    case "kvlistValue":
      return attributes(value.kvlistValue.values)
    case "bytesValue":
      return toHex(value.bytesValue)
    default:
      return undefined
  }
}

const attributes = (list: ReadonlyArray<any> | undefined): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]))

/**
 * The spans of a decoded export request (a protobufjs message or an OTLP/JSON object).
 *
 * @example
 * ```ts
 * normalizeTraceRequest(ExportTraceServiceRequest.decode(body))
 * ```
 */
export const normalizeTraceRequest = (request: any): Array<ReceivedSpan> =>
  (request.resourceSpans ?? []).flatMap((resourceSpans: any) => {
    const resource = attributes(resourceSpans.resource?.attributes)
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans: any) =>
      (scopeSpans.spans ?? []).map((span: any): ReceivedSpan => {
        const parent = toHex(span.parentSpanId)
        return {
          traceId: toHex(span.traceId),
          spanId: toHex(span.spanId),
          parentSpanId: parent === "" ? undefined : parent,
          traceState: span.traceState ?? "",
          flags: span.flags ?? 0,
          name: span.name,
          kind: span.kind ?? 0,
          startTimeUnixNano: toBigInt(span.startTimeUnixNano),
          endTimeUnixNano: toBigInt(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          events: (span.events ?? []).map((event: any) => ({ name: event.name, attributes: attributes(event.attributes) })),
          links: (span.links ?? []).map((link: any) => ({ traceId: toHex(link.traceId), spanId: toHex(link.spanId) })),
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? "" },
          resource,
          scope: { name: scopeSpans.scope?.name ?? "", version: scopeSpans.scope?.version ?? "" }
        }
      })
    )
  })

const HEX_ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"])
const INT64_FIELDS = new Set(["startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue"])

/**
 * Checks an OTLP/JSON body against the proto schema, with the OTLP/JSON rules on top: ids are
 * lowercase hex of the right length (not base64), and the message must convert losslessly.
 * Throws on any violation; returns the decoded message.
 */
export const decodeStrictJson = (text: string): protobuf.Message => {
  const json = JSON.parse(text)
  const toProtoObject = (value: any): any => {
    if (Array.isArray(value)) return value.map(toProtoObject)
    if (typeof value !== "object" || value === null) return value
    return Object.fromEntries(Object.entries(value).map(([key, v]) => {
      // proto3 JSON writes 64-bit integers as decimal strings; the schema check wants a Long.
      if (INT64_FIELDS.has(key) && typeof v === "string") {
        if (!/^-?[0-9]+$/.test(v)) throw new Error(`OTLP/JSON ${key} must be a decimal integer, got ${JSON.stringify(v)}`)
        return [key, Long.fromString(v, key !== "intValue")]
      }
      if (!HEX_ID_FIELDS.has(key)) return [key, toProtoObject(v)]
      const expected = key === "traceId" ? 32 : 16
      if (typeof v !== "string" || !(new RegExp(`^[0-9a-f]{${expected}}$`).test(v) || (key === "parentSpanId" && v === ""))) {
        throw new Error(`OTLP/JSON ${key} must be ${expected} lowercase hex characters, got ${JSON.stringify(v)}`)
      }
      return [key, Buffer.from(v, "hex").toString("base64")]
    }))
  }
  const converted = toProtoObject(json)
  const error = ExportTraceServiceRequest.verify(converted)
  if (error !== null) throw new Error(`OTLP/JSON body does not match the proto schema: ${error}`)
  return ExportTraceServiceRequest.fromObject(converted)
}

export interface ReceivedDataPoint {
  readonly name: string
  readonly kind: "sum" | "gauge" | "histogram"
  readonly attributes: Record<string, unknown>
  /** A sum's or gauge's value; a histogram's count. */
  readonly value: number
}

const numberOf = (point: any): number =>
  point.asDouble !== undefined && point.asDouble !== null ? Number(point.asDouble) : Number(String(point.asInt ?? 0))

/**
 * The data points of a decoded metrics export request, flattened.
 *
 * @example
 * ```ts
 * normalizeMetricsRequest(request).filter((p) => p.name === "otel.spans.created")
 * ```
 */
export const normalizeMetricsRequest = (request: any): Array<ReceivedDataPoint> =>
  (request.resourceMetrics ?? []).flatMap((resourceMetrics: any) =>
    (resourceMetrics.scopeMetrics ?? []).flatMap((scopeMetrics: any) =>
      (scopeMetrics.metrics ?? []).flatMap((metric: any): Array<ReceivedDataPoint> => {
        if (metric.sum) {
          return (metric.sum.dataPoints ?? []).map((p: any) => ({ name: metric.name, kind: "sum", attributes: attributes(p.attributes), value: numberOf(p) }))
        }
        if (metric.gauge) {
          return (metric.gauge.dataPoints ?? []).map((p: any) => ({ name: metric.name, kind: "gauge", attributes: attributes(p.attributes), value: numberOf(p) }))
        }
        if (metric.histogram) {
          return (metric.histogram.dataPoints ?? []).map((p: any) => ({ name: metric.name, kind: "histogram", attributes: attributes(p.attributes), value: Number(String(p.count ?? 0)) }))
        }
        return []
      })
    )
  )
