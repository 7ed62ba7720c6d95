/**
 * The environment variables, as one table: each row gives the names a setting is read from (in
 * order of precedence), its parser, the option it sets, its default and what it means. The
 * reader (`readEnvironment`), the names errors use (`variableLabels`) and the README's table
 * (`variablesTable`, checked by a test) all come from it, so a variable is written once.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { ModelPrice, OptionLabels, OptionPath } from "./config.js"

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

/** One row of the table. */
export interface Variable<A> {
  /** The variables, the one that wins first (`OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` before `OTEL_EXPORTER_OTLP_TIMEOUT`). */
  readonly names: ReadonlyArray<string>
  readonly parse: (raw: string) => Either.Either<A, string>
  /** The option it sets, whose errors then name the variable. */
  readonly option?: OptionPath | undefined
  /** The default, as the README shows it. */
  readonly default?: string | undefined
  /** What it does, for the README. */
  readonly doc: string
}

const row = <A>(variable: Variable<A>): Variable<A> => variable

const asPrices = (raw: string): Either.Either<Record<string, ModelPrice>, string> => {
  try {
    const parsed = JSON.parse(raw)
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? Either.right(parsed as Record<string, ModelPrice>)
      : Either.left("must be a JSON object of model → { input, output }")
  } catch {
    return Either.left("must be a JSON object of model → { input, output }")
  }
}

/** A signal-specific variable wins over the general one (`OTEL_EXPORTER_OTLP_TRACES_X` over `..._X`). */
const otlp = (suffix: string) => [`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]

/** Every variable this library reads, in the README's order. */
export const variables = {
  serviceName: row({ names: ["OTEL_SERVICE_NAME"], parse: asString, option: "serviceName", default: "`unknown_service:node`", doc: "`service.name`" }),
  serviceVersion: row({ names: ["OTEL_SERVICE_VERSION"], parse: asString, option: "serviceVersion", doc: "`service.version`" }),
  resourceAttributes: row({
    names: ["OTEL_RESOURCE_ATTRIBUTES"],
    parse: parseKeyValueList,
    option: "resourceAttributes",
    doc: "`k=v,k2=v2` (percent-decoded); `deployment.environment.name` here wins over `NODE_ENV`"
  }),
  nodeEnv: row({ names: ["NODE_ENV"], parse: asString, option: "environment", doc: "`deployment.environment.name` when the resource attributes have none" }),
  enabled: row({
    names: ["OTEL_ENABLED"],
    parse: asBoolean,
    option: "enabled",
    default: "`true`",
    doc: "`false` records nothing (no exporter, no timers); traced code still runs"
  }),
  sdkDisabled: row({ names: ["OTEL_SDK_DISABLED"], parse: asSpecBoolean, default: "`false`", doc: "`true` does the same (the standard name)" }),
  exporters: row({
    names: ["OTEL_TRACES_EXPORTER"],
    parse: asEnumList(exporterNames),
    option: "exporters",
    default: "`otlp`",
    doc: "comma list of `otlp`, `console` (terminal waterfall), or `none`"
  }),
  endpoint: row({
    names: ["OTEL_EXPORTER_OTLP_ENDPOINT"],
    parse: asString,
    option: "otlp.endpoint",
    default: "`http://localhost:4318`",
    doc: "base URL; `/v1/traces` is appended to its path (a query stays after it)"
  }),
  tracesEndpoint: row({
    names: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"],
    parse: asString,
    option: "otlp.tracesEndpoint",
    doc: "full traces URL, used as is; wins over the above"
  }),
  headers: row({
    names: ["OTEL_EXPORTER_OTLP_HEADERS"],
    parse: parseHeaders,
    option: "otlp.headers",
    doc: "`{\"Authorization\":\"Bearer x\"}` (JSON) or `Authorization=Bearer%20x,k=v`"
  }),
  tracesHeaders: row({ names: ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"], parse: parseHeaders, doc: "merged over the general headers" }),
  protocol: row({ names: otlp("PROTOCOL"), parse: asEnum(otlpProtocols), option: "otlp.protocol", default: "`http/protobuf`", doc: "or `http/json`" }),
  timeout: row({ names: otlp("TIMEOUT"), parse: asNumber, option: "otlp.timeoutMillis", default: "`10000`", doc: "per export request, ms" }),
  compression: row({ names: otlp("COMPRESSION"), parse: asEnum(compressionNames), option: "otlp.compression", default: "`none`", doc: "or `gzip`" }),
  samplingRate: row({ names: ["OTEL_SAMPLING_RATE"], parse: asNumber, option: "samplingRate", doc: "0..1: a parent-based trace-id-ratio sampler" }),
  sampler: row({
    names: ["OTEL_TRACES_SAMPLER"],
    parse: asEnum(standardSamplerNames),
    option: "sampler",
    default: "`parentbased_always_on`",
    doc: `${standardSamplerNames.map((name) => `\`${name}\``).join(", ")}; wins over \`OTEL_SAMPLING_RATE\``
  }),
  samplerArg: row({
    names: ["OTEL_TRACES_SAMPLER_ARG"],
    parse: asNumber,
    option: "samplerArg",
    default: "`1` (or `OTEL_SAMPLING_RATE`)",
    doc: "ratio of the `traceidratio` samplers"
  }),
  maxQueueSize: row({ names: ["OTEL_BSP_MAX_QUEUE_SIZE"], parse: asNumber, option: "batch.maxQueueSize", default: "`100`", doc: "spans held for export; more are dropped" }),
  maxExportBatchSize: row({ names: ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"], parse: asNumber, option: "batch.maxExportBatchSize", default: "`10`", doc: "at most the queue size" }),
  scheduledDelay: row({ names: ["OTEL_BSP_SCHEDULE_DELAY"], parse: asNumber, option: "batch.scheduledDelayMillis", default: "`500`", doc: "ms between exports" }),
  exportTimeout: row({ names: ["OTEL_BSP_EXPORT_TIMEOUT"], parse: asNumber, option: "batch.exportTimeoutMillis", default: "`5000`", doc: "ms an export may take" }),
  // The span-specific limits win over the general ones, as the specification says.
  attributeValueLengthLimit: row({
    names: ["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"],
    parse: asNumber,
    option: "spanLimits.attributeValueLengthLimit",
    default: "unlimited",
    doc: "longer string values are cut"
  }),
  attributeCountLimit: row({
    names: ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"],
    parse: asNumber,
    option: "spanLimits.attributeCountLimit",
    default: "`128`",
    doc: "attributes per span; more are dropped and counted"
  }),
  eventCountLimit: row({ names: ["OTEL_SPAN_EVENT_COUNT_LIMIT"], parse: asNumber, option: "spanLimits.eventCountLimit", default: "`128`", doc: "events per span" }),
  linkCountLimit: row({ names: ["OTEL_SPAN_LINK_COUNT_LIMIT"], parse: asNumber, option: "spanLimits.linkCountLimit", default: "`128`", doc: "links per span" }),
  eventAttributeCountLimit: row({
    names: ["OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT"],
    parse: asNumber,
    option: "spanLimits.attributePerEventCountLimit",
    default: "`128`",
    doc: "attributes per event"
  }),
  linkAttributeCountLimit: row({
    names: ["OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"],
    parse: asNumber,
    option: "spanLimits.attributePerLinkCountLimit",
    default: "`128`",
    doc: "attributes per link"
  }),
  propagators: row({
    names: ["OTEL_PROPAGATORS"],
    parse: asEnumList(propagatorNames),
    option: "propagators",
    default: "`tracecontext,baggage`",
    doc: "also `b3` (single header), `b3multi`, `xray`; `none` for none"
  }),
  metricsEndpoint: row({
    names: ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"],
    parse: asString,
    option: "metrics.endpoint",
    doc: "metrics URL, used as is (else the base endpoint + `/v1/metrics`, when one is set)"
  }),
  metricsExporter: row({
    names: ["OTEL_METRICS_EXPORTER"],
    parse: asEnumList(["otlp", "none"] as const),
    option: "metrics.enabled",
    default: "`otlp`",
    doc: "`none`: no self-monitoring metrics over OTLP"
  }),
  metricInterval: row({ names: ["OTEL_METRIC_EXPORT_INTERVAL"], parse: asNumber, option: "metrics.exportIntervalMillis", default: "`60000`", doc: "ms between metric exports" }),
  traceStateVendorKey: row({
    names: ["BLIPEE_TRACESTATE_VENDOR_KEY"],
    parse: asString,
    option: "traceStateVendorKey",
    doc: "our own `tracestate` entry (`key=<span id>`, first) on outgoing requests"
  }),
  baggageSpanAttributes: row({
    names: ["BLIPEE_BAGGAGE_SPAN_ATTRIBUTES"],
    parse: asNames,
    option: "baggageSpanAttributes",
    doc: "comma list of baggage keys copied onto every span"
  }),
  propagateTo: row({
    names: ["BLIPEE_HTTP_PROPAGATE_TO"],
    parse: asNames,
    option: "http.propagateTo",
    default: "all",
    doc: "hosts (`api.internal`, exactly; `*.example.com`) or URL prefixes (same scheme and host, whole path segments) that receive trace headers"
  }),
  ignoreUrls: row({
    names: ["BLIPEE_HTTP_IGNORE_URLS"],
    parse: asNames,
    option: "http.ignoreUrls",
    doc: "hosts or URL prefixes whose calls are not traced (the OTLP endpoint never is)"
  }),
  requestHeaders: row({
    names: ["BLIPEE_HTTP_REQUEST_HEADERS"],
    parse: asNames,
    option: "http.requestHeaders",
    doc: "request headers recorded as `http.request.header.<name>`"
  }),
  responseHeaders: row({
    names: ["BLIPEE_HTTP_RESPONSE_HEADERS"],
    parse: asNames,
    option: "http.responseHeaders",
    doc: "response headers recorded as `http.response.header.<name>`"
  }),
  captureContent: row({
    names: ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"],
    parse: asSpecBoolean,
    option: "ai.captureContent",
    default: "`false`",
    doc: "record prompts and completions (redacted)"
  }),
  prices: row({
    names: ["BLIPEE_GENAI_PRICES"],
    parse: asPrices,
    option: "ai.prices",
    doc: "JSON: model → `{ input, output }` dollars per million tokens"
  }),
  redactionEnabled: row({ names: ["BLIPEE_REDACTION"], parse: asBoolean, option: "redaction.enabled", default: "`true`", doc: "`false` turns redaction before export off" }),
  redactionAllowKeys: row({ names: ["BLIPEE_REDACTION_ALLOW_KEYS"], parse: asNames, option: "redaction.allowKeys", doc: "attribute keys never redacted" }),
  redactionDenyKeys: row({ names: ["BLIPEE_REDACTION_DENY_KEYS"], parse: asNames, option: "redaction.denyKeys", doc: "attribute keys always redacted" }),
  redactionPatterns: row({
    names: ["BLIPEE_REDACTION_PATTERNS"],
    parse: asStringArray,
    option: "redaction.patterns",
    doc: "JSON array of regular expressions masked in string values"
  }),
  redactionPii: row({
    names: ["BLIPEE_REDACTION_PII"],
    parse: asNames,
    option: "redaction.pii",
    doc: "comma list of opt-in personal data classes: `iban`, `ssn`, `phone`"
  }),
  baggageToAi: row({
    names: ["BLIPEE_BAGGAGE_TO_AI"],
    parse: asSpecBoolean,
    option: "ai.sendBaggage",
    default: "`false`",
    doc: "`true`: AI provider calls carry W3C baggage too"
  }),
  tailSampling: row({
    names: ["BLIPEE_TAIL_SAMPLING"],
    parse: asSpecBoolean,
    option: "tailSampling.enabled",
    default: "`false`",
    doc: "`true`: tail sampling (see above) instead of `OTEL_TRACES_SAMPLER`"
  }),
  tailBaseRate: row({
    names: ["BLIPEE_TAIL_BASE_RATE"],
    parse: asNumber,
    option: "tailSampling.baseRate",
    default: "`0.05`",
    doc: "share of the other traces kept, chosen from the trace id"
  }),
  tailSlowMs: row({ names: ["BLIPEE_TAIL_SLOW_MS"], parse: asNumber, option: "tailSampling.slowMs", default: "`1000`", doc: "a local root lasting this long keeps its trace" }),
  tailMaxTraces: row({ names: ["BLIPEE_TAIL_MAX_TRACES"], parse: asNumber, option: "tailSampling.maxTraces", default: "`1000`", doc: "traces held at once" }),
  tailMaxSpansPerTrace: row({
    names: ["BLIPEE_TAIL_MAX_SPANS_PER_TRACE"],
    parse: asNumber,
    option: "tailSampling.maxSpansPerTrace",
    default: "`200`",
    doc: "spans held per trace"
  }),
  tailMaxWaitMs: row({
    names: ["BLIPEE_TAIL_MAX_WAIT_MS"],
    parse: asNumber,
    option: "tailSampling.maxWaitMs",
    default: "`30000`",
    doc: "a trace whose local root never ends here is decided after this"
  }),
  tailKeep: row({
    names: ["BLIPEE_TAIL_KEEP"],
    parse: parseKeyValueList,
    option: "tailSampling.keep",
    doc: "`attribute=value,...`: a span with one of these keeps its trace"
  }),
  logLevel: row({
    names: ["OTEL_LOG_LEVEL"],
    parse: asEnum(logLevelNames),
    option: "logLevel",
    default: "`none`",
    doc: "`error`, `warn`, `info`, `debug`, `verbose`, `all`: OpenTelemetry's `diag` on the console"
  })
}

type Variables = typeof variables
const rows = Object.entries(variables) as Array<[keyof Variables, Variable<unknown>]>
/** What a row's parser gives, a lenient read unwrapped. */
type ValueOf<V> = V extends Variable<infer A> ? A extends Lenient<infer B> ? B : A : never

/** What the environment holds: each setting's value, the variable it came from, and what was ignored. */
export interface EnvironmentValues {
  readonly values: { readonly [K in keyof Variables]: ValueOf<Variables[K]> | undefined }
  /** The variable each option was read from, where one was set: errors name it. */
  readonly labels: OptionLabels
  readonly warnings: ReadonlyArray<string>
}

/**
 * Reads every variable of the table through Effect `Config`: empty counts as unset, of several
 * names the first set with a usable value wins, an invalid value fails naming its variable.
 *
 * @example
 * ```ts
 * const { values, labels, warnings } = yield* readEnvironment
 * ```
 */
export const readEnvironment: Config.Config<EnvironmentValues> = Config.map(
  Config.all(rows.reduce(
    (configs, [key, row]) => Object.assign(configs, { [key]: firstSet(row.names, row.parse) }),
    {} as Record<keyof Variables, Config.Config<ReadonlyArray<Read<unknown>>>>
  )),
  (reads): EnvironmentValues => {
    const warnings: Array<string> = []
    const values: Record<string, unknown> = {}
    const labels: Partial<Record<OptionPath, string>> = {}
    for (const [key, row] of rows) {
      for (const read of reads[key]) {
        const value = read.value instanceof Lenient ? read.value.value : read.value
        if (read.value instanceof Lenient && read.value.warning !== undefined) warnings.push(read.value.warning)
        if (value === undefined) continue
        values[key] = value
        if (row.option !== undefined) labels[row.option] = read.name
        break
      }
    }
    return { values: values as EnvironmentValues["values"], labels, warnings }
  }
)

/** The variable each option is read from, for the errors of options no variable was set for. */
export const variableLabels: OptionLabels = Object.fromEntries(
  rows.flatMap(([, row]) => row.option === undefined ? [] : [[row.option, row.names[0]]])
)

/**
 * The README's table of variables.
 *
 * @example
 * ```ts
 * variablesTable().split("\n")[2] // "| `OTEL_SERVICE_NAME` | `unknown_service:node` | `service.name` |"
 * ```
 */
export const variablesTable = (): string =>
  [
    "| Variable | Default | Meaning |",
    "| --- | --- | --- |",
    ...rows.map(([, row]) =>
      `| ${row.names.map((name) => `\`${name}\``).join(", ")} |${row.default === undefined ? " " : ` ${row.default} `}| ${row.doc} |`
    )
  ].join("\n")
