import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import { readFileSync } from "node:fs"
import { resolveSettings, settingsFromEnvironment, type TracingSettings } from "../src/config.js"
import { VERSION } from "../src/version.js"

const fromEnv = (env: Record<string, string>) =>
  Effect.runSync(Effect.either(settingsFromEnvironment().pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
  )))

const settings = (env: Record<string, string>): TracingSettings => {
  const result = fromEnv(env)
  if (Either.isLeft(result)) throw new Error(`unexpected config error: ${result.left.message}`)
  return result.right
}

const errorOf = (env: Record<string, string>): string => {
  const result = fromEnv(env)
  if (Either.isRight(result)) throw new Error(`expected a config error for ${JSON.stringify(env)}`)
  return result.left.message
}

describe("configuration from the environment", () => {
  it("has the specification's and the seed's defaults", () => {
    const s = settings({})
    expect(s.enabled).toBe(true)
    expect(s.serviceName).toBe("unknown_service:node")
    expect(s.sampler).toEqual({ _tag: "Standard", name: "parentbased_always_on", ratio: 1 })
    expect(s.exporters).toEqual(["otlp"])
    expect(s.otlp).toEqual({
      url: "http://localhost:4318/v1/traces",
      headers: {},
      protocol: "http/protobuf",
      timeoutMillis: 10_000,
      compression: "none"
    })
    expect(s.batch).toEqual({ maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 500, exportTimeoutMillis: 5_000 })
    expect(s.propagators).toEqual(["tracecontext", "baggage"])
    expect(s.logLevel).toBe("none")
  })

  it("reads every variable", () => {
    const s = settings({
      OTEL_SERVICE_NAME: "blipee-os",
      OTEL_SERVICE_VERSION: "1.0.0",
      OTEL_RESOURCE_ATTRIBUTES: "team=core,region=eu%2Dwest,deployment.environment.name=production",
      NODE_ENV: "development",
      OTEL_TRACES_EXPORTER: "otlp,console",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
      OTEL_BSP_MAX_QUEUE_SIZE: "2048",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "512",
      OTEL_BSP_SCHEDULE_DELAY: "1000",
      OTEL_BSP_EXPORT_TIMEOUT: "30000",
      OTEL_PROPAGATORS: "tracecontext",
      OTEL_LOG_LEVEL: "DEBUG"
    })
    expect(s.serviceName).toBe("blipee-os")
    expect(s.serviceVersion).toBe("1.0.0")
    expect(s.resourceAttributes).toEqual({
      team: "core",
      region: "eu-west",
      "service.name": "blipee-os",
      "service.version": "1.0.0",
      // OTEL_RESOURCE_ATTRIBUTES wins over NODE_ENV
      "deployment.environment.name": "production"
    })
    expect(s.exporters).toEqual(["otlp", "console"])
    expect(s.otlp.protocol).toBe("http/json")
    expect(s.otlp.timeoutMillis).toBe(2500)
    expect(s.otlp.compression).toBe("gzip")
    expect(s.batch).toEqual({ maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 1000, exportTimeoutMillis: 30000 })
    expect(s.propagators).toEqual(["tracecontext"])
    expect(s.logLevel).toBe("debug")
  })

  it("takes the environment name from NODE_ENV when the resource attributes have none", () => {
    expect(settings({ NODE_ENV: "production" }).resourceAttributes["deployment.environment.name"]).toBe("production")
  })

  it("appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT and uses the traces endpoint as is", () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).otlp.url).toBe("http://collector:4318/v1/traces")
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp.example.com/prefix/" }).otlp.url)
      .toBe("https://otlp.example.com/prefix/v1/traces")
    expect(settings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://your-region.amazonaws.com/custom/traces"
    }).otlp.url).toBe("https://your-region.amazonaws.com/custom/traces")
  })

  it("reads OTEL_EXPORTER_OTLP_HEADERS as JSON (the seed's form) and as key=value pairs", () => {
    expect(settings({ OTEL_EXPORTER_OTLP_HEADERS: "{\"Authorization\":\"Bearer YOUR_TOKEN\"}" }).otlp.headers)
      .toEqual({ Authorization: "Bearer YOUR_TOKEN" })
    expect(settings({ OTEL_EXPORTER_OTLP_HEADERS: "DD-API-KEY=abc123, X-Scope-OrgID=your%20org" }).otlp.headers)
      .toEqual({ "DD-API-KEY": "abc123", "X-Scope-OrgID": "your org" })
    expect(settings({
      OTEL_EXPORTER_OTLP_HEADERS: "a=1,b=2",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "b=3"
    }).otlp.headers).toEqual({ a: "1", b: "3" })
  })

  it("maps OTEL_SAMPLING_RATE to a parent-based trace-id-ratio sampler", () => {
    expect(settings({ OTEL_SAMPLING_RATE: "0.1" }).sampler)
      .toEqual({ _tag: "Standard", name: "parentbased_traceidratio", ratio: 0.1 })
  })

  it("reads the standard sampler names with their argument", () => {
    expect(settings({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" }).sampler)
      .toEqual({ _tag: "Standard", name: "traceidratio", ratio: 0.25 })
    expect(settings({ OTEL_TRACES_SAMPLER: "always_off" }).sampler).toMatchObject({ name: "always_off" })
    expect(settings({ OTEL_TRACES_SAMPLER: "PARENTBASED_ALWAYS_OFF" }).sampler).toMatchObject({ name: "parentbased_always_off" })
  })

  it("turns tracing off with OTEL_ENABLED=false or OTEL_SDK_DISABLED=true", () => {
    expect(settings({ OTEL_ENABLED: "false" }).enabled).toBe(false)
    expect(settings({ OTEL_SDK_DISABLED: "true" }).enabled).toBe(false)
    expect(settings({ OTEL_SDK_DISABLED: "TRUE", OTEL_ENABLED: "true" }).enabled).toBe(false)
    expect(settings({ OTEL_ENABLED: "true" }).enabled).toBe(true)
  })

  it("treats an empty or blank value as unset", () => {
    const s = settings({ OTEL_SAMPLING_RATE: "", OTEL_SERVICE_NAME: "  ", OTEL_EXPORTER_OTLP_HEADERS: "", OTEL_BSP_MAX_QUEUE_SIZE: "" })
    expect(s.sampler).toMatchObject({ name: "parentbased_always_on" })
    expect(s.serviceName).toBe("unknown_service:node")
    expect(s.batch.maxQueueSize).toBe(100)
  })

  it("reads the propagators and our own BLIPEE_ variables", () => {
    const s = settings({
      OTEL_PROPAGATORS: "tracecontext,baggage,b3,b3multi,xray",
      BLIPEE_TRACESTATE_VENDOR_KEY: "blipee",
      BLIPEE_BAGGAGE_SPAN_ATTRIBUTES: "request.priority, tenant.tier"
    })
    expect(s.propagators).toEqual(["tracecontext", "baggage", "b3", "b3multi", "xray"])
    expect(s.traceStateVendorKey).toBe("blipee")
    expect(s.baggageSpanAttributes).toEqual(["request.priority", "tenant.tier"])
    expect(settings({ OTEL_PROPAGATORS: "none" }).propagators).toEqual([])
  })

  it("reads the outgoing HTTP policy", () => {
    const s = settings({
      BLIPEE_HTTP_PROPAGATE_TO: "api.internal, *.example.com, https://partner.io/v2/",
      BLIPEE_HTTP_IGNORE_URLS: "http://localhost:9090/metrics",
      BLIPEE_HTTP_REQUEST_HEADERS: "X-Request-Id",
      BLIPEE_HTTP_RESPONSE_HEADERS: "content-type,x-ratelimit-remaining"
    })
    expect(s.http).toEqual({
      propagateTo: ["api.internal", "*.example.com", "https://partner.io/v2/"],
      ignoreUrls: ["http://localhost:9090/metrics"],
      requestHeaders: ["x-request-id"],
      responseHeaders: ["content-type", "x-ratelimit-remaining"]
    })
    expect(settings({}).http.propagateTo).toBeUndefined()
  })

  it("reads the redaction settings", () => {
    const s = settings({
      BLIPEE_REDACTION_ALLOW_KEYS: "session.id",
      BLIPEE_REDACTION_DENY_KEYS: "customer.name,customer.phone",
      BLIPEE_REDACTION_PATTERNS: "[\"EMP-\\\\d{6}\", \"a,b\"]"
    })
    expect(s.redaction.enabled).toBe(true)
    expect([...s.redaction.allowKeys]).toEqual(["session.id"])
    expect([...s.redaction.denyKeys]).toEqual(["customer.name", "customer.phone"])
    expect(s.redaction.patterns.map((p) => p.source)).toEqual(["EMP-\\d{6}", "a,b"])
    expect(settings({ BLIPEE_REDACTION: "false" }).redaction.enabled).toBe(false)
  })

  it("reads the span limits, the span-specific ones over the general ones", () => {
    expect(settings({}).spanLimits).toEqual({
      attributeValueLengthLimit: Infinity,
      attributeCountLimit: 128,
      eventCountLimit: 128,
      linkCountLimit: 128,
      attributePerEventCountLimit: 128,
      attributePerLinkCountLimit: 128
    })
    const s = settings({
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "4096",
      OTEL_ATTRIBUTE_COUNT_LIMIT: "64",
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "32",
      OTEL_SPAN_EVENT_COUNT_LIMIT: "10"
    })
    expect(s.spanLimits).toMatchObject({ attributeValueLengthLimit: 4096, attributeCountLimit: 32, eventCountLimit: 10 })
  })

  it("reads the GenAI settings", () => {
    const s = settings({
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true",
      BLIPEE_GENAI_PRICES: "{\"gpt-4o\":{\"input\":2.5,\"output\":10}}"
    })
    expect(s.ai).toEqual({ captureContent: true, prices: { "gpt-4o": { input: 2.5, output: 10 } }, sendBaggage: false })
    expect(settings({}).ai).toEqual({ captureContent: false, prices: {}, sendBaggage: false })
    expect(settings({ BLIPEE_BAGGAGE_TO_AI: "true" }).ai.sendBaggage).toBe(true)
  })

  it("reads the opt-in PII classes, and names the variable for an unknown one", () => {
    expect([...settings({ BLIPEE_REDACTION_PII: "iban, phone" }).redaction.pii]).toEqual(["iban", "phone"])
    expect(settings({}).redaction.pii.size).toBe(0)
    expect(() => settings({ BLIPEE_REDACTION_PII: "iban,passport" })).toThrow(/BLIPEE_REDACTION_PII/)
  })

  it("sends metrics only where an endpoint says so", () => {
    expect(settings({}).metrics.url).toBeUndefined()
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).metrics.url).toBe("http://collector:4318/v1/metrics")
    expect(settings({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://m:9000/custom" }).metrics.url).toBe("http://m:9000/custom")
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_METRICS_EXPORTER: "none" }).metrics.url).toBeUndefined()
    expect(settings({ OTEL_METRIC_EXPORT_INTERVAL: "15000" }).metrics.exportIntervalMillis).toBe(15_000)
    expect(settings({}).metrics.exportIntervalMillis).toBe(60_000)
  })

  it("accepts none as the only exporter", () => {
    expect(settings({ OTEL_TRACES_EXPORTER: "none" }).exporters).toEqual([])
  })

  const invalid: Array<[string, Record<string, string>]> = [
    ["OTEL_SAMPLING_RATE", { OTEL_SAMPLING_RATE: "1.5" }],
    ["OTEL_SAMPLING_RATE", { OTEL_SAMPLING_RATE: "abc" }],
    ["OTEL_SAMPLING_RATE", { OTEL_SAMPLING_RATE: "-0.1" }],
    ["OTEL_TRACES_SAMPLER_ARG", { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }],
    ["OTEL_EXPORTER_OTLP_HEADERS", { OTEL_EXPORTER_OTLP_HEADERS: "{\"Authorization\":" }],
    ["OTEL_EXPORTER_OTLP_HEADERS", { OTEL_EXPORTER_OTLP_HEADERS: "just-a-token" }],
    ["OTEL_EXPORTER_OTLP_HEADERS", { OTEL_EXPORTER_OTLP_HEADERS: "[\"a\"]" }],
    ["OTEL_EXPORTER_OTLP_HEADERS", { OTEL_EXPORTER_OTLP_HEADERS: "bad header=1" }],
    ["OTEL_EXPORTER_OTLP_HEADERS", { OTEL_EXPORTER_OTLP_HEADERS: "{\"X\":{\"nested\":1}}" }],
    ["OTEL_BSP_MAX_QUEUE_SIZE", { OTEL_BSP_MAX_QUEUE_SIZE: "-5" }],
    ["OTEL_BSP_MAX_QUEUE_SIZE", { OTEL_BSP_MAX_QUEUE_SIZE: "1.5" }],
    ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE", { OTEL_BSP_MAX_QUEUE_SIZE: "10", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "20" }],
    ["OTEL_BSP_SCHEDULE_DELAY", { OTEL_BSP_SCHEDULE_DELAY: "soon" }],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", { OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", { OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://collector" }],
    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "localhost:4318" }],
    ["OTEL_TRACES_EXPORTER", { OTEL_TRACES_EXPORTER: "none,otlp" }],
    ["OTEL_ENABLED", { OTEL_ENABLED: "nope" }],
    ["BLIPEE_TRACESTATE_VENDOR_KEY", { BLIPEE_TRACESTATE_VENDOR_KEY: "Blipee" }],
    ["BLIPEE_HTTP_REQUEST_HEADERS", { BLIPEE_HTTP_REQUEST_HEADERS: "ok,bad header" }],
    ["BLIPEE_REDACTION_PATTERNS", { BLIPEE_REDACTION_PATTERNS: "not json" }],
    ["BLIPEE_REDACTION_PATTERNS", { BLIPEE_REDACTION_PATTERNS: "[\"(unclosed\"]" }],
    ["BLIPEE_REDACTION", { BLIPEE_REDACTION: "maybe" }],
    ["BLIPEE_GENAI_PRICES", { BLIPEE_GENAI_PRICES: "{\"gpt-4o\":{\"input\":-1,\"output\":1}}" }],
    ["BLIPEE_GENAI_PRICES", { BLIPEE_GENAI_PRICES: "[1,2]" }],
    ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", { OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "-1" }],
    ["OTEL_SPAN_EVENT_COUNT_LIMIT", { OTEL_SPAN_EVENT_COUNT_LIMIT: "many" }],
    // Errors name the variable actually set, not the one it stands in for.
    ["OTEL_ATTRIBUTE_COUNT_LIMIT", { OTEL_ATTRIBUTE_COUNT_LIMIT: "-3" }],
    ["OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "0" }],
    ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "0" }],
    ["OTEL_EXPORTER_OTLP_TIMEOUT", { OTEL_EXPORTER_OTLP_TIMEOUT: "0" }],
    ["OTEL_EXPORTER_OTLP_TRACES_HEADERS", { OTEL_EXPORTER_OTLP_TRACES_HEADERS: "bad header=1" }],
    // Numbers are decimal: not hexadecimal, binary or with separators.
    ["OTEL_SAMPLING_RATE", { OTEL_SAMPLING_RATE: "0x1" }],
    ["OTEL_TRACES_SAMPLER_ARG", { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0b1" }],
    ["OTEL_BSP_MAX_QUEUE_SIZE", { OTEL_BSP_MAX_QUEUE_SIZE: "1_000" }],
    ["OTEL_BSP_EXPORT_TIMEOUT", { OTEL_BSP_EXPORT_TIMEOUT: "Infinity" }],
    ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "nope" }],
    ["OTEL_METRIC_EXPORT_INTERVAL", { OTEL_METRIC_EXPORT_INTERVAL: "0" }],
    ["BLIPEE_BAGGAGE_SPAN_ATTRIBUTES", { BLIPEE_BAGGAGE_SPAN_ATTRIBUTES: "ok,not ok" }],
    ["OTEL_RESOURCE_ATTRIBUTES", { OTEL_RESOURCE_ATTRIBUTES: "team" }],
    ["OTEL_RESOURCE_ATTRIBUTES", { OTEL_RESOURCE_ATTRIBUTES: "team=%E0%A4%A" }]
  ]
  for (const [variable, env] of invalid) {
    it(`rejects ${JSON.stringify(env)} naming ${variable}`, () => {
      const result = fromEnv(env)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._op).toBe("InvalidData")
        expect(result.left.message).toContain(variable)
      }
    })
  }

  it("names the variable actually set when a specific and a general one differ", () => {
    expect(errorOf({ OTEL_EXPORTER_OTLP_TIMEOUT: "5000", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "-1" }))
      .toMatch(/^OTEL_EXPORTER_OTLP_TRACES_TIMEOUT /)
    expect(errorOf({ OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "-1", OTEL_ATTRIBUTE_COUNT_LIMIT: "10" }))
      .toMatch(/^OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT /)
  })

  it("keeps an endpoint's query after the signal path (OTLP exporter spec, endpoint URLs)", () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318?x=1" }).otlp.url).toBe("http://h:4318/v1/traces?x=1")
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://h/base/?tenant=a&b=2" }).otlp.url)
      .toBe("https://h/base/v1/traces?tenant=a&b=2")
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318?x=1" }).metrics.url).toBe("http://h:4318/v1/metrics?x=1")
  })

  // Environment specification, "Enum": a value the implementation does not recognize MUST be
  // warned about and ignored; "Boolean": only a case-insensitive "true" is true, and any other
  // value but "false" is false with a warning.
  const ignored: Array<[Record<string, string>, (s: TracingSettings) => unknown, unknown, string]> = [
    [{ OTEL_PROPAGATORS: "tracecontext,jaeger" }, (s) => s.propagators, ["tracecontext"], "OTEL_PROPAGATORS has \"jaeger\""],
    [{ OTEL_PROPAGATORS: "jaeger" }, (s) => s.propagators, ["tracecontext", "baggage"], "the default applies"],
    [{ OTEL_TRACES_EXPORTER: "otlp,zipkin" }, (s) => s.exporters, ["otlp"], "OTEL_TRACES_EXPORTER has \"zipkin\""],
    [{ OTEL_TRACES_EXPORTER: "zipkin" }, (s) => s.exporters, ["otlp"], "the default applies"],
    [{ OTEL_METRICS_EXPORTER: "prometheus", OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318" }, (s) => s.metrics.url, "http://h:4318/v1/metrics", "OTEL_METRICS_EXPORTER"],
    [{ OTEL_TRACES_SAMPLER: "jaeger_remote" }, (s) => s.sampler, { _tag: "Standard", name: "parentbased_always_on", ratio: 1 }, "OTEL_TRACES_SAMPLER is \"jaeger_remote\""],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, (s) => s.otlp.protocol, "http/protobuf", "OTEL_EXPORTER_OTLP_PROTOCOL is \"grpc\""],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }, (s) => s.otlp.protocol, "http/json", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL is \"grpc\""],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: "brotli" }, (s) => s.otlp.compression, "none", "OTEL_EXPORTER_OTLP_COMPRESSION"],
    [{ OTEL_LOG_LEVEL: "loud" }, (s) => s.logLevel, "none", "OTEL_LOG_LEVEL"],
    [{ OTEL_SDK_DISABLED: "yes" }, (s) => s.enabled, true, "OTEL_SDK_DISABLED is \"yes\"; only \"true\" is true"],
    [{ OTEL_SDK_DISABLED: "1" }, (s) => s.enabled, true, "OTEL_SDK_DISABLED"],
    [{ OTEL_SDK_DISABLED: "TRUE" }, (s) => s.enabled, false, ""],
    [{ OTEL_SDK_DISABLED: "False" }, (s) => s.enabled, true, ""],
    [{ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "yes" }, (s) => s.ai.captureContent, false, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"],
    [{ BLIPEE_TAIL_SAMPLING: "on" }, (s) => s.tailSampling, undefined, "BLIPEE_TAIL_SAMPLING"],
    [{ BLIPEE_BAGGAGE_TO_AI: "1" }, (s) => s.ai.sendBaggage, false, "BLIPEE_BAGGAGE_TO_AI"]
  ]
  for (const [env, read, expected, warning] of ignored) {
    it(`reads ${JSON.stringify(env)} leniently${warning === "" ? "" : ", with a warning"}`, () => {
      const warnings: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning") warnings.push(String(Array.isArray(message) ? message.join(" ") : message))
      })
      const result = Effect.runSync(Effect.either(settingsFromEnvironment().pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )))
      if (Either.isLeft(result)) throw new Error(`unexpected config error: ${result.left.message}`)
      expect(read(result.right)).toEqual(expected)
      if (warning === "") expect(warnings).toEqual([])
      else expect(warnings).toEqual([expect.stringContaining(warning)])
    })
  }

  it("never echoes a header value in its error", () => {
    expect(errorOf({ OTEL_EXPORTER_OTLP_HEADERS: "{\"Authorization\":\"Bearer s3cr3t\"" })).not.toContain("s3cr3t")
  })
})

describe("configuration in code", () => {
  it("names the option in its errors", () => {
    const result = resolveSettings({ samplingRate: 2 })
    expect(Either.isLeft(result) && result.left.message).toContain("samplingRate")
    const batch = resolveSettings({ batch: { maxQueueSize: 5, maxExportBatchSize: 6 } })
    expect(Either.isLeft(batch) && batch.left.message).toContain("batch.maxExportBatchSize")
    const headers = resolveSettings({ otlp: { headers: { "X-Evil": "a\r\nInjected: 1" } } })
    expect(Either.isLeft(headers) && headers.left.message).toContain("otlp.headers")
  })

  it("keeps a user-supplied sampler", () => {
    const sampler = { shouldSample: () => ({ decision: 0 }), toString: () => "mine" }
    const result = resolveSettings({ sampler })
    expect(Either.isRight(result) && result.right.sampler).toEqual({ _tag: "Custom", sampler })
  })
})

it("reports the package version as telemetry.distro.version", () => {
  expect(VERSION).toBe(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version)
})
