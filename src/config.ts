/**
 * Tracing configuration: the options a user gives in code, the settings they resolve to,
 * and the options the environment gives (its variables are the table in `environment.ts`).
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
import { isBaggageKey } from "./propagation/baggage.js"
import { isTracestateKey } from "./propagation/tracestate.js"
import { PII_CLASSES, type PiiClass } from "./redaction/sensitiveText.js"
import {
  compressionNames,
  exporterNames,
  logLevelNames,
  otlpProtocols,
  propagatorNames,
  readEnvironment,
  standardSamplerNames,
  variableLabels
} from "./environment.js"
import { DEPLOYMENT_ENVIRONMENT_NAME, SERVICE_NAME, SERVICE_VERSION } from "./semconv.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

export type StandardSamplerName = typeof standardSamplerNames[number]
export type ExporterName = typeof exporterNames[number]
export type OtlpProtocol = typeof otlpProtocols[number]
export type CompressionName = typeof compressionNames[number]
export type PropagatorName = typeof propagatorNames[number]
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

/** What the environment says: the options, the variable each came from, and what was ignored. */
interface EnvironmentReading {
  readonly options: TracingOptions
  /** For the options read from the environment: the variable actually set. */
  readonly labels: OptionLabels
  readonly warnings: ReadonlyArray<string>
}

/**
 * The options the standard `OTEL_*` variables (and the seed's `OTEL_ENABLED`,
 * `OTEL_SAMPLING_RATE`, `OTEL_SERVICE_VERSION`) describe, read through Effect `Config`.
 */
const environmentReading: Config.Config<EnvironmentReading> = Config.map(
  readEnvironment,
  ({ labels: read, values: env, warnings }): EnvironmentReading => {
    const labels: Partial<Record<OptionPath, string>> = { ...read }
    if (env.tracesHeaders !== undefined) {
      labels["otlp.headers"] = env.headers === undefined
        ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS"
        : "OTEL_EXPORTER_OTLP_TRACES_HEADERS / OTEL_EXPORTER_OTLP_HEADERS"
    }
    const options: TracingOptions = {
      enabled: env.sdkDisabled === true ? false : env.enabled,
      serviceName: env.serviceName,
      serviceVersion: env.serviceVersion,
      environment: env.nodeEnv,
      resourceAttributes: env.resourceAttributes,
      sampler: env.sampler,
      samplerArg: env.samplerArg,
      samplingRate: env.samplingRate,
      exporters: env.exporters,
      otlp: {
        endpoint: env.endpoint,
        tracesEndpoint: env.tracesEndpoint,
        // Signal-specific headers are merged over the general ones, as the specification says.
        headers: env.headers === undefined && env.tracesHeaders === undefined
          ? undefined
          : { ...env.headers, ...env.tracesHeaders },
        protocol: env.protocol,
        timeoutMillis: env.timeout,
        compression: env.compression
      },
      ai: { captureContent: env.captureContent, prices: env.prices, sendBaggage: env.baggageToAi },
      spanLimits: {
        attributeValueLengthLimit: env.attributeValueLengthLimit,
        attributeCountLimit: env.attributeCountLimit,
        eventCountLimit: env.eventCountLimit,
        linkCountLimit: env.linkCountLimit,
        attributePerEventCountLimit: env.eventAttributeCountLimit,
        attributePerLinkCountLimit: env.linkAttributeCountLimit
      },
      metrics: {
        enabled: env.metricsExporter === undefined ? undefined : env.metricsExporter.includes("otlp"),
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
      propagators: env.propagators,
      traceStateVendorKey: env.traceStateVendorKey,
      baggageSpanAttributes: env.baggageSpanAttributes,
      logLevel: env.logLevel,
      // The parameters alone do not switch the mode on: only BLIPEE_TAIL_SAMPLING=true does.
      tailSampling: {
        enabled: env.tailSampling ?? false,
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
const labelsOutside = (overrides: TracingOptions, labels: OptionLabels = variableLabels): OptionLabels =>
  Object.fromEntries(Object.entries(labels).filter(([path]) => {
    const value = path.split(".").reduce<any>((node, key) => node?.[key], overrides)
    return value === undefined
  }))
