/**
 * Tracing configuration: the options a user gives in code, the settings they resolve to,
 * and the reader of the standard `OTEL_*` environment variables.
 *
 * Both roads meet in {@link resolveSettings}, so a value is validated the same way whether it
 * came from `Tracing.layer({ ... })` or from the environment; an invalid value is a
 * `ConfigError` whose path and message name the option or the variable it came from.
 *
 * @since 0.1.0
 */
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { isBaggageKey } from "./propagation/baggage.js"
import { isTracestateKey } from "./propagation/tracestate.js"
import { PII_CLASSES, type PiiClass } from "./redaction/sensitiveText.js"
import { DEPLOYMENT_ENVIRONMENT_NAME, SERVICE_NAME, SERVICE_VERSION } from "./semconv.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

/** The sampler names of the OpenTelemetry environment specification that this SDK implements. */
export const standardSamplerNames = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio"
] as const
export type StandardSamplerName = typeof standardSamplerNames[number]

export const exporterNames = ["otlp", "console", "none"] as const
export type ExporterName = typeof exporterNames[number]

export const otlpProtocols = ["http/protobuf", "http/json"] as const
export type OtlpProtocol = typeof otlpProtocols[number]

export const compressionNames = ["gzip", "none"] as const
export type CompressionName = typeof compressionNames[number]

export const propagatorNames = ["tracecontext", "baggage", "b3", "b3multi", "xray", "none"] as const
export type PropagatorName = typeof propagatorNames[number]

export const logLevelNames = ["none", "error", "warn", "info", "debug", "verbose", "all"] as const
export type LogLevelName = typeof logLevelNames[number]

/**
 * Tracing options given in code (`Tracing.layer(options)`, `initTracing(options)`).
 * Every field is optional; a missing one takes the OpenTelemetry default (or the seed guide's
 * batch defaults).
 *
 * @example
 * ```ts
 * Tracing.layer({ serviceName: "checkout", samplingRate: 0.1, exporters: ["otlp"] })
 * ```
 */
export interface TracingOptions {
  /** `false` records nothing at near-zero cost; traced code still runs. Default `true`. */
  readonly enabled?: boolean | undefined
  /** `service.name`. Default `unknown_service:node`. */
  readonly serviceName?: string | undefined
  /** `service.version`. */
  readonly serviceVersion?: string | undefined
  /** `deployment.environment.name`; a value in `resourceAttributes` wins. */
  readonly environment?: string | undefined
  /** Extra resource attributes. */
  readonly resourceAttributes?: Readonly<Record<string, string>> | undefined
  /**
   * A standard sampler name or any OpenTelemetry `Sampler`. Default `parentbased_always_on`,
   * or `parentbased_traceidratio` when `samplingRate` is given.
   */
  readonly sampler?: StandardSamplerName | Sampler | undefined
  /** The ratio of the `traceidratio` samplers, in [0, 1]. */
  readonly samplerArg?: number | undefined
  /** The seed's sampling rate in [0, 1]: a parent-based trace-id-ratio sampler. */
  readonly samplingRate?: number | undefined
  /** Where finished spans go. Default `["otlp"]`; `["none"]` or `[]` exports nothing. */
  readonly exporters?: ReadonlyArray<ExporterName> | undefined
  readonly otlp?: OtlpOptions | undefined
  readonly batch?: BatchOptions | undefined
  readonly http?: HttpOptions | undefined
  readonly metrics?: MetricsOptions | undefined
  readonly spanLimits?: SpanLimitOptions | undefined
  readonly ai?: AiOptions | undefined
  /** Global propagators for the OpenTelemetry API. Default `["tracecontext", "baggage"]`. */
  readonly propagators?: ReadonlyArray<PropagatorName> | undefined
  /**
   * Our own `tracestate` entry: outgoing requests carry `key=<span id>` at the front of
   * `tracestate`. Off by default.
   */
  readonly traceStateVendorKey?: string | undefined
  /** Baggage keys whose values are copied onto every span as attributes. Default none. */
  readonly baggageSpanAttributes?: ReadonlyArray<string> | undefined
  /** OpenTelemetry `diag` log level. Default `none`. */
  readonly logLevel?: LogLevelName | undefined
  /** How long releasing the layer waits for the last export. Default 5000 ms. */
  readonly shutdownTimeoutMillis?: number | undefined
  /** An extra exporter, batched with the same settings as the built-in ones. */
  readonly spanExporter?: SpanExporter | undefined
  /** An extra exporter that receives each span as it ends, unbatched (for tests). */
  readonly syncSpanExporter?: SpanExporter | undefined
  readonly redaction?: RedactionOptions | undefined
  /** Extra span processors, used as given; they see every recorded span. */
  readonly spanProcessors?: ReadonlyArray<SpanProcessor> | undefined
  /**
   * In-process tail sampling; `true` takes the defaults. It replaces the head sampler: every
   * span is recorded and held until its trace's local root ends, then the trace is exported or
   * dropped as a whole. Also raises the default export queue to 2048 spans, as kept traces
   * arrive in bursts.
   */
  readonly tailSampling?: boolean | TailSamplingOptions | undefined
}

/** A trace is kept when a rule matches any of its spans. */
export type TailKeepRule =
  | {
    readonly attribute: string
    /** The value(s) to match, compared as strings; omitted: the attribute is present. */
    readonly equals?: string | number | boolean | ReadonlyArray<string | number | boolean> | undefined
  }
  | ((span: ReadableSpan) => boolean)

/**
 * Tail sampling: keep every trace with an error, a slow local root or a matching rule, and a
 * base rate of the others chosen from the trace id (as the `traceidratio` sampler chooses).
 *
 * @example
 * ```ts
 * Tracing.layer({ tailSampling: { baseRate: 0.05, slowMs: 500, keep: [{ attribute: "http.route", equals: "/api/checkout" }] } })
 * ```
 */
export interface TailSamplingOptions {
  /** Default `true` when the options are given. */
  readonly enabled?: boolean | undefined
  /** Share of the other traces kept, in [0, 1]. Default 0.05. */
  readonly baseRate?: number | undefined
  /** A local root that lasts at least this long keeps its trace. Default 1000 ms. */
  readonly slowMs?: number | undefined
  /** Traces held at once; past it the oldest is decided early. Default 1000. */
  readonly maxTraces?: number | undefined
  /** Spans held per trace; past it the trace is decided early. Default 200. */
  readonly maxSpansPerTrace?: number | undefined
  /** A trace whose local root has not ended (or was never seen) is decided after this. Default 30000 ms. */
  readonly maxWaitMs?: number | undefined
  readonly keep?: ReadonlyArray<TailKeepRule> | undefined
}

export interface OtlpOptions {
  /** Base URL; `/v1/traces` is appended. Default `http://localhost:4318`. */
  readonly endpoint?: string | undefined
  /** Full traces URL, used as is; wins over `endpoint`. */
  readonly tracesEndpoint?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Default `http/protobuf`. */
  readonly protocol?: OtlpProtocol | undefined
  /** Per-request timeout. Default 10000 ms. */
  readonly timeoutMillis?: number | undefined
  /** Default `none`. */
  readonly compression?: "gzip" | "none" | undefined
}

/**
 * A URL pattern: a hostname (`api.example.com`), a wildcard for its subdomains
 * (`*.example.com`), a URL prefix (`https://api.example.com/v2/`), or a regular expression
 * tested against the whole URL.
 */
export type UrlPattern = string | RegExp

/** Outgoing HTTP calls (`TracedHttpClient`, `traceFetch`, `traceOutgoingRequest`). */
export interface HttpOptions {
  /** Only these destinations receive trace headers. Default: all. */
  readonly propagateTo?: ReadonlyArray<UrlPattern> | undefined
  /** Calls to these are not traced at all (the OTLP endpoint never is). */
  readonly ignoreUrls?: ReadonlyArray<UrlPattern> | undefined
  /** Request headers recorded as `http.request.header.<name>`. Default none. */
  readonly requestHeaders?: ReadonlyArray<string> | undefined
  /** Response headers recorded as `http.response.header.<name>`. Default none. */
  readonly responseHeaders?: ReadonlyArray<string> | undefined
}

/**
 * The self-monitoring metrics over OTLP (with the OTLP headers and protocol). They are sent
 * when a metrics endpoint is given, or an OTLP base endpoint (then `/v1/metrics` is appended).
 */
export interface MetricsOptions {
  /** `false` never sends them. */
  readonly enabled?: boolean | undefined
  /** Full metrics URL, used as is. */
  readonly endpoint?: string | undefined
  /** Default 60000 ms. */
  readonly exportIntervalMillis?: number | undefined
}

/** The price of a model's tokens, in dollars per million. */
export interface ModelPrice {
  readonly input: number
  readonly output: number
}

/** GenAI spans. */
export interface AiOptions {
  /** Record prompts and completions (redacted, truncated). Default off. */
  readonly captureContent?: boolean | undefined
  /** Prices by model (`gen_ai.request.model`): spans then carry an estimated cost. */
  readonly prices?: Readonly<Record<string, ModelPrice>> | undefined
  /**
   * Send W3C baggage (and with it tenant and user ids) to AI providers. Default off: a
   * provider is a third party. Trace context is sent either way.
   */
  readonly sendBaggage?: boolean | undefined
}

/** What one span may hold; past a limit the excess is dropped (and counted) by the SDK. */
export interface SpanLimitOptions {
  /** Longest string attribute value, cut beyond. Default unlimited. */
  readonly attributeValueLengthLimit?: number | undefined
  /** Default 128. */
  readonly attributeCountLimit?: number | undefined
  /** Default 128. */
  readonly eventCountLimit?: number | undefined
  /** Default 128. */
  readonly linkCountLimit?: number | undefined
  /** Default 128. */
  readonly attributePerEventCountLimit?: number | undefined
  /** Default 128. */
  readonly attributePerLinkCountLimit?: number | undefined
}

/** Redaction of every span before export; on by default. */
export interface RedactionOptions {
  readonly enabled?: boolean | undefined
  /** Attribute keys never redacted. */
  readonly allowKeys?: ReadonlyArray<string> | undefined
  /** Attribute keys always redacted, besides those that name secrets. */
  readonly denyKeys?: ReadonlyArray<string> | undefined
  /** Your own patterns, masked wherever they match in string values. */
  readonly patterns?: ReadonlyArray<string | RegExp> | undefined
  /** Personal data classes whose patterns also match innocent numbers, masked only when named here. */
  readonly pii?: ReadonlyArray<PiiClass> | undefined
}

export interface BatchOptions {
  /** Default 100 (the seed guide's). */
  readonly maxQueueSize?: number | undefined
  /** Default 10; at most `maxQueueSize`. */
  readonly maxExportBatchSize?: number | undefined
  /** Default 500 ms. */
  readonly scheduledDelayMillis?: number | undefined
  /** Default 5000 ms. */
  readonly exportTimeoutMillis?: number | undefined
}

/** A sampler as configured: a standard one with its ratio, or one the user built. */
export type SamplerSetting =
  | { readonly _tag: "Standard"; readonly name: StandardSamplerName; readonly ratio: number }
  | { readonly _tag: "Custom"; readonly sampler: Sampler }

/** Tail sampling as resolved: the rules compiled to predicates. */
export interface TailSamplingSettings {
  readonly baseRate: number
  readonly slowMs: number
  readonly maxTraces: number
  readonly maxSpansPerTrace: number
  readonly maxWaitMs: number
  readonly keep: ReadonlyArray<(span: ReadableSpan) => boolean>
}

/** Fully resolved, validated settings: what the layers are built from. */
export interface TracingSettings {
  readonly enabled: boolean
  readonly resourceAttributes: Readonly<Record<string, string>>
  readonly serviceName: string
  readonly serviceVersion: string | undefined
  readonly sampler: SamplerSetting
  readonly exporters: ReadonlyArray<Exclude<ExporterName, "none">>
  readonly otlp: {
    readonly url: string
    readonly headers: Readonly<Record<string, string>>
    readonly protocol: OtlpProtocol
    readonly timeoutMillis: number
    readonly compression: "gzip" | "none"
  }
  readonly ai: {
    readonly captureContent: boolean
    readonly prices: Readonly<Record<string, ModelPrice>>
    readonly sendBaggage: boolean
  }
  readonly spanLimits: {
    readonly attributeValueLengthLimit: number
    readonly attributeCountLimit: number
    readonly eventCountLimit: number
    readonly linkCountLimit: number
    readonly attributePerEventCountLimit: number
    readonly attributePerLinkCountLimit: number
  }
  readonly metrics: {
    /** Where the metrics go; `undefined` sends none. */
    readonly url: string | undefined
    readonly exportIntervalMillis: number
  }
  readonly http: {
    readonly propagateTo: ReadonlyArray<UrlPattern> | undefined
    readonly ignoreUrls: ReadonlyArray<UrlPattern>
    readonly requestHeaders: ReadonlyArray<string>
    readonly responseHeaders: ReadonlyArray<string>
  }
  readonly batch: {
    readonly maxQueueSize: number
    readonly maxExportBatchSize: number
    readonly scheduledDelayMillis: number
    readonly exportTimeoutMillis: number
  }
  readonly propagators: ReadonlyArray<Exclude<PropagatorName, "none">>
  readonly traceStateVendorKey: string | undefined
  readonly baggageSpanAttributes: ReadonlyArray<string>
  readonly logLevel: LogLevelName
  readonly shutdownTimeoutMillis: number
  readonly spanExporter: SpanExporter | undefined
  readonly syncSpanExporter: SpanExporter | undefined
  readonly spanProcessors: ReadonlyArray<SpanProcessor>
  /** `undefined`: head sampling by `sampler`. */
  readonly tailSampling: TailSamplingSettings | undefined
  readonly redaction: {
    readonly enabled: boolean
    readonly allowKeys: ReadonlySet<string>
    readonly denyKeys: ReadonlySet<string>
    readonly patterns: ReadonlyArray<RegExp>
    readonly pii: ReadonlySet<PiiClass>
  }
}

// ---------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------

export const defaults = {
  serviceName: "unknown_service:node",
  otlpEndpoint: "http://localhost:4318",
  otlpTimeoutMillis: 10_000,
  batch: { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 500, exportTimeoutMillis: 5_000 },
  /** The specification's default queue: a kept trace reaches the queue all at once. */
  tailSamplingMaxQueueSize: 2048,
  // In flight at once: ~500 requests/s lasting 2 s; a few hundred spans cover most requests.
  // Held spans cost about 500 bytes each, so the bound is ~100 MiB and the usual case a few MiB.
  tailSampling: { baseRate: 0.05, slowMs: 1_000, maxTraces: 1_000, maxSpansPerTrace: 200, maxWaitMs: 30_000 },
  shutdownTimeoutMillis: 5_000
} as const

// ---------------------------------------------------------------------------
// Resolution and validation
// ---------------------------------------------------------------------------

/** Which name an error should use for each option: the option's path, or an environment variable. */
export type OptionLabels = Readonly<Partial<Record<OptionPath, string>>>
/** The options grouped under a key (`otlp.endpoint`), whose fields are options of their own. */
type OptionGroup = "otlp" | "batch" | "http" | "metrics" | "spanLimits" | "ai" | "redaction" | "tailSampling"
/** Options that are objects of code, never read from the environment nor checked. */
type CodeOnlyOption = "spanExporter" | "syncSpanExporter" | "spanProcessors"

/** The path of every checked option (`serviceName`, `otlp.timeoutMillis`), from `TracingOptions` itself. */
export type OptionPath =
  | Exclude<keyof TracingOptions, OptionGroup | CodeOnlyOption>
  | { [G in OptionGroup]: `${G}.${keyof Exclude<NonNullable<TracingOptions[G]>, boolean> & string}` }[OptionGroup]

class Invalid {
  constructor(readonly path: OptionPath, readonly message: string) {}
}

const check = (ok: boolean, path: OptionPath, message: string) => {
  if (!ok) throw new Invalid(path, message)
}

const satisfying = <A>(path: OptionPath, value: A, ok: (value: NonNullable<A>) => boolean, message: string): A => {
  check(value === undefined || value === null || ok(value as NonNullable<A>), path, message)
  return value
}

const ratio = (path: OptionPath, value: number | undefined): number | undefined => {
  check(value === undefined || (Number.isFinite(value) && value >= 0 && value <= 1), path, "must be a number in [0, 1]")
  return value
}

const count = (path: OptionPath, value: number | undefined, fallback: number, min: number): number => {
  const n = value ?? fallback
  check(Number.isInteger(n) && n >= min, path, `must be an integer >= ${min}`)
  return n
}

const oneOf = <A extends string>(path: OptionPath, value: string, allowed: ReadonlyArray<A>): A => {
  check((allowed as ReadonlyArray<string>).includes(value), path, `must be one of ${allowed.join(", ")}`)
  return value as A
}

const httpUrl = (path: OptionPath, value: string): URL => {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  check(url !== undefined && (url.protocol === "http:" || url.protocol === "https:"), path, "must be an http(s) URL")
  return url!
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const headerRecord = (path: OptionPath, headers: Readonly<Record<string, string>>) => {
  for (const [name, value] of Object.entries(headers)) {
    check(HEADER_NAME.test(name), path, `has an invalid header name ${JSON.stringify(name)}`)
    // A CR or LF would let a value smuggle a second header into the export request.
    check(typeof value === "string" && !/[\r\n\0]/.test(value), path, `has an invalid value for header ${name}`)
  }
  return headers
}

/**
 * Appends a signal's path to an OTLP base endpoint, as the OTLP exporter specification says: to
 * its path, so that a query (`?tenant=a`) stays after it.
 */
const signalUrl = (base: URL, signal: "traces" | "metrics"): string => {
  const url = new URL(base.href)
  url.pathname = `${url.pathname.replace(/\/$/, "")}/v1/${signal}`
  return url.href
}

const urlPatterns = (path: OptionPath, patterns: ReadonlyArray<UrlPattern>): ReadonlyArray<UrlPattern> =>
  patterns.map((pattern) =>
    satisfying(path, pattern, (p) => p instanceof RegExp || (typeof p === "string" && p.trim() !== ""), "has an empty pattern")
  )

const headerNames = (path: OptionPath, names: ReadonlyArray<string>): ReadonlyArray<string> =>
  names.map((name) => satisfying(path, name, (n) => HEADER_NAME.test(n), `has an invalid header name ${JSON.stringify(name)}`).toLowerCase())

const regexes = (path: OptionPath, patterns: ReadonlyArray<string | RegExp>): ReadonlyArray<RegExp> =>
  patterns.map((pattern) => {
    if (pattern instanceof RegExp) return pattern
    try {
      return new RegExp(pattern)
    } catch {
      throw new Invalid(path, `has an invalid regular expression ${JSON.stringify(pattern)}`)
    }
  })

const resolveSampler = (options: TracingOptions): SamplerSetting => {
  const { sampler, samplerArg, samplingRate } = options
  ratio("samplerArg", samplerArg)
  ratio("samplingRate", samplingRate)
  if (sampler !== undefined && typeof sampler !== "string") return { _tag: "Custom", sampler }
  const name = sampler === undefined
    ? (samplingRate === undefined ? "parentbased_always_on" : "parentbased_traceidratio")
    : oneOf("sampler", sampler, standardSamplerNames)
  return { _tag: "Standard", name, ratio: samplerArg ?? samplingRate ?? 1 }
}

const keepRule = (rule: TailKeepRule): (span: ReadableSpan) => boolean => {
  if (typeof rule === "function") return rule
  check(
    typeof rule === "object" && rule !== null && typeof rule.attribute === "string" && rule.attribute !== "",
    "tailSampling.keep",
    "rules need an attribute name (or are functions of the span)"
  )
  const { attribute, equals } = rule
  if (equals === undefined) return (span) => span.attributes[attribute] !== undefined
  const wanted = new Set((Array.isArray(equals) ? equals : [equals]).map(String))
  return (span) => {
    const value = span.attributes[attribute]
    return value !== undefined && wanted.has(String(value))
  }
}

const resolveTailSampling = (option: TracingOptions["tailSampling"]): TailSamplingSettings | undefined => {
  const options = typeof option === "object" && option !== null ? option : {}
  if (option === undefined || option === false || options.enabled === false) return undefined
  const fallback = defaults.tailSampling
  return {
    baseRate: ratio("tailSampling.baseRate", options.baseRate) ?? fallback.baseRate,
    slowMs: count("tailSampling.slowMs", options.slowMs, fallback.slowMs, 0),
    maxTraces: count("tailSampling.maxTraces", options.maxTraces, fallback.maxTraces, 1),
    maxSpansPerTrace: count("tailSampling.maxSpansPerTrace", options.maxSpansPerTrace, fallback.maxSpansPerTrace, 1),
    maxWaitMs: count("tailSampling.maxWaitMs", options.maxWaitMs, fallback.maxWaitMs, 1),
    keep: (options.keep ?? []).map(keepRule)
  }
}

const resolveList = <A extends string>(
  path: OptionPath,
  values: ReadonlyArray<string>,
  allowed: ReadonlyArray<A>
): ReadonlyArray<Exclude<A, "none">> => {
  const names = values.map((value) => oneOf(path, value, allowed))
  check(!(names.includes("none" as A) && names.length > 1), path, "cannot combine none with other values")
  return [...new Set(names)].filter((name): name is Exclude<A, "none"> => name !== "none")
}

const unsafeResolve = (options: TracingOptions): TracingSettings => {
  const serviceName = options.serviceName ?? options.resourceAttributes?.[SERVICE_NAME] ?? defaults.serviceName
  check(serviceName.length > 0, "serviceName", "must not be empty")
  const serviceVersion = options.serviceVersion ?? options.resourceAttributes?.[SERVICE_VERSION]
  const environment = options.resourceAttributes?.[DEPLOYMENT_ENVIRONMENT_NAME] ?? options.environment
  const resourceAttributes: Record<string, string> = {
    ...options.resourceAttributes,
    [SERVICE_NAME]: serviceName,
    ...(serviceVersion === undefined ? {} : { [SERVICE_VERSION]: serviceVersion }),
    ...(environment === undefined ? {} : { [DEPLOYMENT_ENVIRONMENT_NAME]: environment })
  }

  const otlp = options.otlp ?? {}
  const url = otlp.tracesEndpoint !== undefined
    ? httpUrl("otlp.tracesEndpoint", otlp.tracesEndpoint).href
    : signalUrl(httpUrl("otlp.endpoint", otlp.endpoint ?? defaults.otlpEndpoint), "traces")

  const http = options.http ?? {}
  const metrics = options.metrics ?? {}
  const limits = options.spanLimits ?? {}
  const metricsUrl = metrics.enabled === false
    ? undefined
    : metrics.endpoint !== undefined
    ? httpUrl("metrics.endpoint", metrics.endpoint).href
    : otlp.endpoint !== undefined
    ? signalUrl(httpUrl("otlp.endpoint", otlp.endpoint), "metrics")
    : undefined
  const batch = options.batch ?? {}
  const tailSampling = resolveTailSampling(options.tailSampling)
  const maxQueueSize = count(
    "batch.maxQueueSize",
    batch.maxQueueSize,
    tailSampling === undefined ? defaults.batch.maxQueueSize : defaults.tailSamplingMaxQueueSize,
    1
  )
  const maxExportBatchSize = count(
    "batch.maxExportBatchSize",
    batch.maxExportBatchSize,
    defaults.batch.maxExportBatchSize,
    1
  )
  check(maxExportBatchSize <= maxQueueSize, "batch.maxExportBatchSize", `must be <= the queue size (${maxQueueSize})`)

  return {
    enabled: options.enabled ?? true,
    resourceAttributes,
    serviceName,
    serviceVersion,
    sampler: resolveSampler(options),
    exporters: resolveList("exporters", options.exporters ?? ["otlp"], exporterNames),
    otlp: {
      url,
      headers: headerRecord("otlp.headers", otlp.headers ?? {}),
      protocol: oneOf("otlp.protocol", otlp.protocol ?? "http/protobuf", otlpProtocols),
      timeoutMillis: count("otlp.timeoutMillis", otlp.timeoutMillis, defaults.otlpTimeoutMillis, 1),
      compression: oneOf("otlp.compression", otlp.compression ?? "none", compressionNames)
    },
    ai: {
      captureContent: options.ai?.captureContent ?? false,
      sendBaggage: options.ai?.sendBaggage ?? false,
      prices: Object.fromEntries(Object.entries(options.ai?.prices ?? {}).map(([model, price]) => {
        check(
          typeof price === "object" && price !== null && Number.isFinite(price.input) && price.input >= 0 &&
            Number.isFinite(price.output) && price.output >= 0,
          "ai.prices",
          `needs non-negative input and output prices for ${JSON.stringify(model)}`
        )
        return [model, { input: price.input, output: price.output }]
      }))
    },
    spanLimits: {
      attributeValueLengthLimit: limits.attributeValueLengthLimit === undefined
        ? Infinity
        : count("spanLimits.attributeValueLengthLimit", limits.attributeValueLengthLimit, 0, 1),
      attributeCountLimit: count("spanLimits.attributeCountLimit", limits.attributeCountLimit, 128, 0),
      eventCountLimit: count("spanLimits.eventCountLimit", limits.eventCountLimit, 128, 0),
      linkCountLimit: count("spanLimits.linkCountLimit", limits.linkCountLimit, 128, 0),
      attributePerEventCountLimit: count("spanLimits.attributePerEventCountLimit", limits.attributePerEventCountLimit, 128, 0),
      attributePerLinkCountLimit: count("spanLimits.attributePerLinkCountLimit", limits.attributePerLinkCountLimit, 128, 0)
    },
    metrics: {
      url: metricsUrl,
      exportIntervalMillis: count("metrics.exportIntervalMillis", metrics.exportIntervalMillis, 60_000, 1)
    },
    http: {
      propagateTo: http.propagateTo === undefined ? undefined : urlPatterns("http.propagateTo", http.propagateTo),
      ignoreUrls: urlPatterns("http.ignoreUrls", http.ignoreUrls ?? []),
      requestHeaders: headerNames("http.requestHeaders", http.requestHeaders ?? []),
      responseHeaders: headerNames("http.responseHeaders", http.responseHeaders ?? [])
    },
    batch: {
      maxQueueSize,
      maxExportBatchSize,
      scheduledDelayMillis: count(
        "batch.scheduledDelayMillis",
        batch.scheduledDelayMillis,
        defaults.batch.scheduledDelayMillis,
        0
      ),
      exportTimeoutMillis: count(
        "batch.exportTimeoutMillis",
        batch.exportTimeoutMillis,
        defaults.batch.exportTimeoutMillis,
        1
      )
    },
    propagators: resolveList("propagators", options.propagators ?? ["tracecontext", "baggage"], propagatorNames),
    traceStateVendorKey: satisfying(
      "traceStateVendorKey",
      options.traceStateVendorKey,
      isTracestateKey,
      "must be a tracestate key (a-z, 0-9, _-*/@)"
    ),
    baggageSpanAttributes: (options.baggageSpanAttributes ?? []).map((key) =>
      satisfying("baggageSpanAttributes", key, isBaggageKey, `has an invalid baggage key ${JSON.stringify(key)}`)
    ),
    logLevel: oneOf("logLevel", options.logLevel ?? "none", logLevelNames),
    shutdownTimeoutMillis: count(
      "shutdownTimeoutMillis",
      options.shutdownTimeoutMillis,
      defaults.shutdownTimeoutMillis,
      0
    ),
    spanExporter: options.spanExporter,
    syncSpanExporter: options.syncSpanExporter,
    spanProcessors: options.spanProcessors ?? [],
    tailSampling,
    redaction: {
      enabled: options.redaction?.enabled ?? true,
      allowKeys: new Set(options.redaction?.allowKeys ?? []),
      denyKeys: new Set(options.redaction?.denyKeys ?? []),
      patterns: regexes("redaction.patterns", options.redaction?.patterns ?? []),
      pii: new Set((options.redaction?.pii ?? []).map((name) => oneOf("redaction.pii", name, PII_CLASSES)))
    }
  }
}

/**
 * Validates options and fills in the defaults. The error names the offending option, or the
 * environment variable given for it in `labels`.
 *
 * @example
 * ```ts
 * resolveSettings({ samplingRate: 1.5 }) // Left(ConfigError: samplingRate: must be a number in [0, 1])
 * ```
 */
export const resolveSettings = (
  options: TracingOptions,
  labels: OptionLabels = {}
): Either.Either<TracingSettings, ConfigError.ConfigError> => {
  try {
    return Either.right(unsafeResolve(options))
  } catch (error) {
    if (!(error instanceof Invalid)) throw error
    const name = labels[error.path] ?? error.path
    return Either.left(ConfigError.InvalidData([name], `${name} ${error.message}`))
  }
}

// ---------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------

/**
 * What a variable read by the specification's lenient rules gave: its value (none when the
 * setting is ignored) and the warning that says what was ignored.
 */
class Lenient<A> {
  constructor(readonly value: A | undefined, readonly warning?: string) {}
}

/** A variable's value; empty or blank counts as unset. */
const variable = <A>(
  name: string,
  parse: (raw: string) => Either.Either<A, string>
): Config.Config<A | undefined> =>
  Config.string(name).pipe(
    Config.option,
    Config.mapOrFail((raw) => {
      const value = Option.getOrUndefined(raw)?.trim()
      if (value === undefined || value === "") return Either.right(undefined)
      return Either.mapBoth(parse(value), {
        onLeft: (message) => ConfigError.InvalidData([name], `${name} ${message}`),
        onRight: (read) =>
          read instanceof Lenient && read.warning !== undefined ? new Lenient(read.value, `${name} ${read.warning}`) as A : read
      })
    })
  )

/** A value and the variable it was read from, for errors that name the variable actually set. */
interface Read<A> {
  readonly value: A
  readonly name: string
}

/** Those of `names` that are set, in order (the more specific first, as the specification orders them). */
const firstSet = <A>(names: ReadonlyArray<string>, parse: (raw: string) => Either.Either<A, string>) =>
  Config.map(
    Config.all(names.map((name) =>
      Config.map(variable(name, parse), (value): Read<A> | undefined => value === undefined ? undefined : { value, name })
    )),
    (reads) => reads.filter((read): read is Read<A> => read !== undefined)
  )

const asString = (raw: string) => Either.right(raw)

// A decimal number, as the specification's numeric values are: `0x1`, `0b1`, `1_000` are not.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

const asNumber = (raw: string) => {
  const n = DECIMAL.test(raw) ? Number(raw) : Number.NaN
  return Number.isFinite(n) ? Either.right(n) : Either.left(`must be a decimal number, got ${JSON.stringify(raw)}`)
}

/** Our own booleans whose default is true: a value that is neither true nor false is an error. */
const asBoolean = (raw: string) => {
  const lower = raw.toLowerCase()
  return lower === "true"
    ? Either.right(true)
    : lower === "false"
    ? Either.right(false)
    : Either.left(`must be true or false, got ${JSON.stringify(raw)}`)
}

/**
 * A boolean by the specification's rule: only a case-insensitive `true` is true; anything else
 * is false, with a warning unless it is `false`.
 */
const asSpecBoolean = (raw: string) => {
  const lower = raw.toLowerCase()
  return Either.right(
    lower === "true"
      ? new Lenient(true)
      : new Lenient(false, lower === "false" ? undefined : `is ${JSON.stringify(raw)}; only "true" is true, so it is false`)
  )
}

/** One value of a set: one this SDK does not know is ignored with a warning (the specification's MUST). */
const asEnum = <A extends string>(known: ReadonlyArray<A>) => (raw: string) => {
  const lower = raw.toLowerCase()
  return Either.right(
    (known as ReadonlyArray<string>).includes(lower)
      ? new Lenient(lower as A)
      : new Lenient<A>(undefined, `is ${JSON.stringify(raw)}, not one of ${known.join(", ")}; ignored, the default applies`)
  )
}

/**
 * A comma list of values of a set: the values this SDK does not know are ignored with a warning
 * (the specification's MUST); when none is left, the default applies.
 */
const asEnumList = <A extends string>(known: ReadonlyArray<A>) => (raw: string) => {
  const items = raw.split(",").map((item) => item.trim().toLowerCase()).filter((item) => item !== "")
  const unknown = items.filter((item) => !(known as ReadonlyArray<string>).includes(item))
  const kept = items.filter((item) => !unknown.includes(item)) as Array<A>
  return Either.right(
    unknown.length === 0
      ? new Lenient<ReadonlyArray<A>>(kept)
      : new Lenient<ReadonlyArray<A>>(
        kept.length === 0 ? undefined : kept,
        `has ${unknown.map((item) => JSON.stringify(item)).join(", ")}, not one of ${known.join(", ")}; ignored${
          kept.length === 0 ? ", the default applies" : ""
        }`
      )
  )
}

/** A JSON array of strings (regular expressions contain commas, so no comma list here). */
const asStringArray = (raw: string): Either.Either<ReadonlyArray<string>, string> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return Either.left("must be a JSON array of strings")
  }
  return Array.isArray(parsed) && parsed.every((item) => typeof item === "string")
    ? Either.right(parsed)
    : Either.left("must be a JSON array of strings")
}

/** A comma list whose items keep their case (keys, hosts, URL prefixes). */
const asNames = (raw: string) => Either.right(raw.split(",").map((item) => item.trim()).filter((item) => item !== ""))

const decodePercent = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

/**
 * Parses the `key=value,key2=value2` form of `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS`: values are percent-decoded, blanks around items trimmed.
 */
export const parseKeyValueList = (raw: string): Either.Either<Record<string, string>, string> => {
  const record: Record<string, string> = {}
  for (const item of raw.split(",")) {
    if (item.trim() === "") continue
    const eq = item.indexOf("=")
    const key = eq < 0 ? "" : item.slice(0, eq).trim()
    const value = eq < 0 ? undefined : decodePercent(item.slice(eq + 1).trim())
    if (key === "" || value === undefined) {
      return Either.left("must be a list of key=value pairs separated by commas")
    }
    record[key] = value
  }
  return Either.right(record)
}

/** Headers as a JSON object (the seed guide's form) or as the standard `key=value` list. */
export const parseHeaders = (raw: string): Either.Either<Record<string, string>, string> => {
  // The value is never echoed back: it usually holds a credential.
  if (!raw.startsWith("{")) return parseKeyValueList(raw)
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return Either.left("is neither a JSON object nor a list of key=value pairs")
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return Either.left("must be a JSON object of header names to values")
  }
  const record: Record<string, string> = {}
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      return Either.left(`has a non-scalar value for header ${key}`)
    }
    record[key] = String(value)
  }
  return Either.right(record)
}

/** The environment variable each option is read from, for error messages. */
const environmentLabels: OptionLabels = {
  enabled: "OTEL_ENABLED",
  serviceName: "OTEL_SERVICE_NAME",
  serviceVersion: "OTEL_SERVICE_VERSION",
  resourceAttributes: "OTEL_RESOURCE_ATTRIBUTES",
  sampler: "OTEL_TRACES_SAMPLER",
  samplerArg: "OTEL_TRACES_SAMPLER_ARG",
  samplingRate: "OTEL_SAMPLING_RATE",
  exporters: "OTEL_TRACES_EXPORTER",
  "otlp.endpoint": "OTEL_EXPORTER_OTLP_ENDPOINT",
  "otlp.tracesEndpoint": "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "otlp.headers": "OTEL_EXPORTER_OTLP_HEADERS",
  "otlp.protocol": "OTEL_EXPORTER_OTLP_PROTOCOL",
  "otlp.timeoutMillis": "OTEL_EXPORTER_OTLP_TIMEOUT",
  "otlp.compression": "OTEL_EXPORTER_OTLP_COMPRESSION",
  "redaction.enabled": "BLIPEE_REDACTION",
  "redaction.allowKeys": "BLIPEE_REDACTION_ALLOW_KEYS",
  "redaction.denyKeys": "BLIPEE_REDACTION_DENY_KEYS",
  "redaction.patterns": "BLIPEE_REDACTION_PATTERNS",
  "redaction.pii": "BLIPEE_REDACTION_PII",
  "ai.captureContent": "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
  "ai.prices": "BLIPEE_GENAI_PRICES",
  "ai.sendBaggage": "BLIPEE_BAGGAGE_TO_AI",
  "spanLimits.attributeValueLengthLimit": "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
  "spanLimits.attributeCountLimit": "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
  "spanLimits.eventCountLimit": "OTEL_SPAN_EVENT_COUNT_LIMIT",
  "spanLimits.linkCountLimit": "OTEL_SPAN_LINK_COUNT_LIMIT",
  "spanLimits.attributePerEventCountLimit": "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
  "spanLimits.attributePerLinkCountLimit": "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
  "metrics.enabled": "OTEL_METRICS_EXPORTER",
  "metrics.endpoint": "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
  "metrics.exportIntervalMillis": "OTEL_METRIC_EXPORT_INTERVAL",
  "http.propagateTo": "BLIPEE_HTTP_PROPAGATE_TO",
  "http.ignoreUrls": "BLIPEE_HTTP_IGNORE_URLS",
  "http.requestHeaders": "BLIPEE_HTTP_REQUEST_HEADERS",
  "http.responseHeaders": "BLIPEE_HTTP_RESPONSE_HEADERS",
  "batch.maxQueueSize": "OTEL_BSP_MAX_QUEUE_SIZE",
  "batch.maxExportBatchSize": "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
  "batch.scheduledDelayMillis": "OTEL_BSP_SCHEDULE_DELAY",
  "batch.exportTimeoutMillis": "OTEL_BSP_EXPORT_TIMEOUT",
  propagators: "OTEL_PROPAGATORS",
  traceStateVendorKey: "BLIPEE_TRACESTATE_VENDOR_KEY",
  baggageSpanAttributes: "BLIPEE_BAGGAGE_SPAN_ATTRIBUTES",
  logLevel: "OTEL_LOG_LEVEL",
  "tailSampling.enabled": "BLIPEE_TAIL_SAMPLING",
  "tailSampling.baseRate": "BLIPEE_TAIL_BASE_RATE",
  "tailSampling.slowMs": "BLIPEE_TAIL_SLOW_MS",
  "tailSampling.maxTraces": "BLIPEE_TAIL_MAX_TRACES",
  "tailSampling.maxSpansPerTrace": "BLIPEE_TAIL_MAX_SPANS_PER_TRACE",
  "tailSampling.maxWaitMs": "BLIPEE_TAIL_MAX_WAIT_MS",
  "tailSampling.keep": "BLIPEE_TAIL_KEEP"
}

/** A signal-specific variable wins over the general one (`OTEL_EXPORTER_OTLP_TRACES_X` over `..._X`). */
const otlpVariable = <A>(suffix: string, parse: (raw: string) => Either.Either<A, string>) =>
  firstSet([`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`], parse)

/** What the environment says: the options, the variable each came from, and what was ignored. */
interface EnvironmentReading {
  readonly options: TracingOptions
  /** For the options read from more than one variable: the one actually set. */
  readonly labels: OptionLabels
  readonly warnings: ReadonlyArray<string>
}

/**
 * The options the standard `OTEL_*` variables (and the seed's `OTEL_ENABLED`,
 * `OTEL_SAMPLING_RATE`, `OTEL_SERVICE_VERSION`) describe, read through Effect `Config`.
 */
const environmentReading: Config.Config<EnvironmentReading> = Config.map(
  Config.all({
    enabled: variable("OTEL_ENABLED", asBoolean),
    sdkDisabled: variable("OTEL_SDK_DISABLED", asSpecBoolean),
    serviceName: variable("OTEL_SERVICE_NAME", asString),
    serviceVersion: variable("OTEL_SERVICE_VERSION", asString),
    resourceAttributes: variable("OTEL_RESOURCE_ATTRIBUTES", parseKeyValueList),
    nodeEnv: variable("NODE_ENV", asString),
    sampler: variable("OTEL_TRACES_SAMPLER", asEnum(standardSamplerNames)),
    samplerArg: variable("OTEL_TRACES_SAMPLER_ARG", asNumber),
    samplingRate: variable("OTEL_SAMPLING_RATE", asNumber),
    exporters: variable("OTEL_TRACES_EXPORTER", asEnumList(exporterNames)),
    endpoint: variable("OTEL_EXPORTER_OTLP_ENDPOINT", asString),
    tracesEndpoint: variable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", asString),
    headers: variable("OTEL_EXPORTER_OTLP_HEADERS", parseHeaders),
    tracesHeaders: variable("OTEL_EXPORTER_OTLP_TRACES_HEADERS", parseHeaders),
    protocol: otlpVariable("PROTOCOL", asEnum(otlpProtocols)),
    timeout: otlpVariable("TIMEOUT", asNumber),
    compression: otlpVariable("COMPRESSION", asEnum(compressionNames)),
    captureContent: variable("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", asSpecBoolean),
    prices: variable("BLIPEE_GENAI_PRICES", (raw) => {
      try {
        const parsed = JSON.parse(raw)
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
          ? Either.right(parsed as Record<string, ModelPrice>)
          : Either.left("must be a JSON object of model → { input, output }")
      } catch {
        return Either.left("must be a JSON object of model → { input, output }")
      }
    }),
    // The span-specific limits win over the general ones, as the specification says.
    attributeValueLengthLimit: firstSet(["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"], asNumber),
    attributeCountLimit: firstSet(["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"], asNumber),
    eventCountLimit: variable("OTEL_SPAN_EVENT_COUNT_LIMIT", asNumber),
    linkCountLimit: variable("OTEL_SPAN_LINK_COUNT_LIMIT", asNumber),
    eventAttributeCountLimit: variable("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", asNumber),
    linkAttributeCountLimit: variable("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", asNumber),
    metricsExporter: variable("OTEL_METRICS_EXPORTER", asEnumList(["otlp", "none"] as const)),
    metricsEndpoint: variable("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", asString),
    metricInterval: variable("OTEL_METRIC_EXPORT_INTERVAL", asNumber),
    redactionEnabled: variable("BLIPEE_REDACTION", asBoolean),
    redactionAllowKeys: variable("BLIPEE_REDACTION_ALLOW_KEYS", asNames),
    redactionDenyKeys: variable("BLIPEE_REDACTION_DENY_KEYS", asNames),
    redactionPatterns: variable("BLIPEE_REDACTION_PATTERNS", asStringArray),
    redactionPii: variable("BLIPEE_REDACTION_PII", asNames),
    baggageToAi: variable("BLIPEE_BAGGAGE_TO_AI", asSpecBoolean),
    propagateTo: variable("BLIPEE_HTTP_PROPAGATE_TO", asNames),
    ignoreUrls: variable("BLIPEE_HTTP_IGNORE_URLS", asNames),
    requestHeaders: variable("BLIPEE_HTTP_REQUEST_HEADERS", asNames),
    responseHeaders: variable("BLIPEE_HTTP_RESPONSE_HEADERS", asNames),
    maxQueueSize: variable("OTEL_BSP_MAX_QUEUE_SIZE", asNumber),
    maxExportBatchSize: variable("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", asNumber),
    scheduledDelay: variable("OTEL_BSP_SCHEDULE_DELAY", asNumber),
    exportTimeout: variable("OTEL_BSP_EXPORT_TIMEOUT", asNumber),
    propagators: variable("OTEL_PROPAGATORS", asEnumList(propagatorNames)),
    traceStateVendorKey: variable("BLIPEE_TRACESTATE_VENDOR_KEY", asString),
    baggageSpanAttributes: variable("BLIPEE_BAGGAGE_SPAN_ATTRIBUTES", asNames),
    logLevel: variable("OTEL_LOG_LEVEL", asEnum(logLevelNames)),
    tailSampling: variable("BLIPEE_TAIL_SAMPLING", asSpecBoolean),
    tailBaseRate: variable("BLIPEE_TAIL_BASE_RATE", asNumber),
    tailSlowMs: variable("BLIPEE_TAIL_SLOW_MS", asNumber),
    tailMaxTraces: variable("BLIPEE_TAIL_MAX_TRACES", asNumber),
    tailMaxSpansPerTrace: variable("BLIPEE_TAIL_MAX_SPANS_PER_TRACE", asNumber),
    tailMaxWaitMs: variable("BLIPEE_TAIL_MAX_WAIT_MS", asNumber),
    tailKeep: variable("BLIPEE_TAIL_KEEP", parseKeyValueList)
  }),
  (env): EnvironmentReading => {
    const warnings: Array<string> = []
    /** The value of a leniently read variable; what it ignored goes to the warnings. */
    const lenient = <A>(read: Lenient<A> | undefined): A | undefined => {
      if (read?.warning !== undefined) warnings.push(read.warning)
      return read?.value
    }
    /** The first of several variables whose value was not ignored, and its name. */
    const first = <A>(reads: ReadonlyArray<Read<A>>): Read<A extends Lenient<infer B> ? B : A> | undefined => {
      for (const read of reads) {
        const value = read.value instanceof Lenient ? lenient(read.value) : read.value
        if (value !== undefined) return { value, name: read.name } as Read<A extends Lenient<infer B> ? B : A>
      }
      return undefined
    }
    const protocol = first(env.protocol)
    const timeout = first(env.timeout)
    const compression = first(env.compression)
    const attributeValueLengthLimit = first(env.attributeValueLengthLimit)
    const attributeCountLimit = first(env.attributeCountLimit)
    const metricsExporter = lenient(env.metricsExporter)
    const labels: Partial<Record<OptionPath, string>> = {}
    const label = (path: OptionPath, read: Read<unknown> | undefined) => {
      if (read !== undefined) labels[path] = read.name
    }
    label("otlp.protocol", protocol)
    label("otlp.timeoutMillis", timeout)
    label("otlp.compression", compression)
    label("spanLimits.attributeValueLengthLimit", attributeValueLengthLimit)
    label("spanLimits.attributeCountLimit", attributeCountLimit)
    if (env.tracesHeaders !== undefined) {
      labels["otlp.headers"] = env.headers === undefined
        ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS"
        : "OTEL_EXPORTER_OTLP_TRACES_HEADERS / OTEL_EXPORTER_OTLP_HEADERS"
    }
    const options: TracingOptions = {
      enabled: lenient(env.sdkDisabled) === true ? false : env.enabled,
      serviceName: env.serviceName,
      serviceVersion: env.serviceVersion,
      environment: env.nodeEnv,
      resourceAttributes: env.resourceAttributes,
      sampler: lenient(env.sampler),
      samplerArg: env.samplerArg,
      samplingRate: env.samplingRate,
      exporters: lenient(env.exporters),
      otlp: {
        endpoint: env.endpoint,
        tracesEndpoint: env.tracesEndpoint,
        // Signal-specific headers are merged over the general ones, as the specification says.
        headers: env.headers === undefined && env.tracesHeaders === undefined
          ? undefined
          : { ...env.headers, ...env.tracesHeaders },
        protocol: protocol?.value,
        timeoutMillis: timeout?.value,
        compression: compression?.value
      },
      ai: { captureContent: lenient(env.captureContent), prices: env.prices, sendBaggage: lenient(env.baggageToAi) },
      spanLimits: {
        attributeValueLengthLimit: attributeValueLengthLimit?.value,
        attributeCountLimit: attributeCountLimit?.value,
        eventCountLimit: env.eventCountLimit,
        linkCountLimit: env.linkCountLimit,
        attributePerEventCountLimit: env.eventAttributeCountLimit,
        attributePerLinkCountLimit: env.linkAttributeCountLimit
      },
      metrics: {
        enabled: metricsExporter === undefined ? undefined : metricsExporter.includes("otlp"),
        endpoint: env.metricsEndpoint,
        exportIntervalMillis: env.metricInterval
      },
      redaction: {
        enabled: env.redactionEnabled,
        allowKeys: env.redactionAllowKeys,
        denyKeys: env.redactionDenyKeys,
        patterns: env.redactionPatterns,
        pii: env.redactionPii as ReadonlyArray<PiiClass> | undefined
      },
      http: {
        propagateTo: env.propagateTo,
        ignoreUrls: env.ignoreUrls,
        requestHeaders: env.requestHeaders,
        responseHeaders: env.responseHeaders
      },
      batch: {
        maxQueueSize: env.maxQueueSize,
        maxExportBatchSize: env.maxExportBatchSize,
        scheduledDelayMillis: env.scheduledDelay,
        exportTimeoutMillis: env.exportTimeout
      },
      propagators: lenient(env.propagators),
      traceStateVendorKey: env.traceStateVendorKey,
      baggageSpanAttributes: env.baggageSpanAttributes,
      logLevel: lenient(env.logLevel),
      // The parameters alone do not switch the mode on: only BLIPEE_TAIL_SAMPLING=true does.
      tailSampling: {
        enabled: lenient(env.tailSampling) ?? false,
        baseRate: env.tailBaseRate,
        slowMs: env.tailSlowMs,
        maxTraces: env.tailMaxTraces,
        maxSpansPerTrace: env.tailMaxSpansPerTrace,
        maxWaitMs: env.tailMaxWaitMs,
        keep: env.tailKeep === undefined
          ? undefined
          : Object.entries(env.tailKeep).map(([attribute, equals]) => ({ attribute, equals }))
      }
    }
    return { options, labels, warnings }
  }
)

/** Tail sampling options given in code, over the environment's: giving them switches the mode on. */
const mergeTailSampling = (
  base: TracingOptions["tailSampling"],
  override: TracingOptions["tailSampling"]
): TracingOptions["tailSampling"] => {
  if (override === undefined) return base
  const inherited = typeof base === "object" ? definedFields(base) : {}
  return typeof override === "boolean"
    ? { ...inherited, enabled: override }
    : { ...inherited, enabled: true, ...definedFields(override) }
}

/**
 * Removes the fields that are `undefined`, so that spreading one options object over another
 * keeps the values of the first where the second is silent.
 */
const definedFields = <A extends object>(value: A | undefined): Partial<A> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<A>

/**
 * Lays code options over a base (usually the environment's): a field given in `override` wins.
 *
 * @example
 * ```ts
 * mergeOptions(fromEnv, { serviceName: "worker" })
 * ```
 */
export const mergeOptions = (base: TracingOptions, override: TracingOptions): TracingOptions => ({
  ...definedFields(base),
  ...definedFields(override),
  otlp: { ...definedFields(base.otlp), ...definedFields(override.otlp) },
  http: { ...definedFields(base.http), ...definedFields(override.http) },
  redaction: { ...definedFields(base.redaction), ...definedFields(override.redaction) },
  metrics: { ...definedFields(base.metrics), ...definedFields(override.metrics) },
  spanLimits: { ...definedFields(base.spanLimits), ...definedFields(override.spanLimits) },
  ai: { ...definedFields(base.ai), ...definedFields(override.ai) },
  batch: { ...definedFields(base.batch), ...definedFields(override.batch) },
  tailSampling: mergeTailSampling(base.tailSampling, override.tailSampling)
})

/**
 * The settings the environment describes, with `overrides` from code on top.
 * Fails with a `ConfigError` naming the variable when a value is invalid.
 *
 * @example
 * ```ts
 * const settings = yield* settingsFromEnvironment()
 * ```
 */
export const settingsFromEnvironment = (
  overrides: TracingOptions = {}
): Effect.Effect<TracingSettings, ConfigError.ConfigError> =>
  Effect.flatMap(environmentReading, ({ labels, options, warnings }) =>
    Effect.zipRight(
      Effect.forEach(warnings, (warning) => Effect.logWarning(`@blipee/tracing: ${warning}`), { discard: true }),
      resolveSettings(mergeOptions(options, overrides), { ...labelsOutside(overrides), ...labelsOutside(overrides, labels) })
    ))

/** The variable labels, less those of the options that code gave (named as options). */
const labelsOutside = (overrides: TracingOptions, labels: OptionLabels = environmentLabels): OptionLabels =>
  Object.fromEntries(Object.entries(labels).filter(([path]) => {
    const value = path.split(".").reduce<any>((node, key) => node?.[key], overrides)
    return value === undefined
  }))
