/**
 * The tracing layer for resolved settings: an OpenTelemetry tracer provider (resource,
 * sampler, batch span processors, exporters) installed as Effect's tracer through
 * `@effect/opentelemetry`, and as the provider behind the OpenTelemetry API globals for as
 * long as the layer lives; or the same on a provider someone else owns. Internal: the public
 * layers (`Tracing`, `TracingLive`, `TracingTest`) and the facade resolve the settings first.
 *
 * @since 0.1.0
 */
import * as Metrics from "@effect/opentelemetry/Metrics"
import * as Resource from "@effect/opentelemetry/Resource"
import { diag, type TextMapPropagator, type TracerProvider } from "@opentelemetry/api"
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources"
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor
} from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { TracingSettings } from "../config.js"
import { TELEMETRY_DISTRO_NAME, TELEMETRY_DISTRO_VERSION } from "../semconv.js"
import { VERSION } from "../version.js"
import { ConsoleSpanExporter } from "./ConsoleSpanExporter.js"
import { installDiagLogger } from "./diagLogger.js"
import { flushOnCrash, OpenSpans } from "./crashFlush.js"
import { ExportControl } from "./exportRetries.js"
import { layerEffectTracer } from "./effectTracer.js"
import { HexIdGenerator } from "./idGenerator.js"
import { register } from "./globalRegistration.js"
import { MonitoredSpanExporter } from "./MonitoredSpanExporter.js"
import { makeOtlpExporter, makeOtlpMetricExporter } from "./otlpExporter.js"
import { makePropagator } from "./propagator.js"
import { CountingSampler, makeSampler } from "./sampler.js"
import { QueueAwareBatchSpanProcessor } from "./QueueAwareBatchSpanProcessor.js"
import { type ExportPolicy, RedactingSpanExporter } from "./RedactingSpanExporter.js"
import { randomFlagTracerProvider } from "./RandomFlagTracerProvider.js"
import { redactingTracerProvider } from "./RedactingTracerProvider.js"
import { ScopeAttributesSpanProcessor } from "./ScopeAttributesSpanProcessor.js"
import { StatsSpanProcessor } from "./StatsSpanProcessor.js"
import { TailSampler } from "./TailSampler.js"
import { TailSamplingSpanProcessor } from "./TailSamplingSpanProcessor.js"
import { layerTracingPolicy, makeTracingPolicy, type TracingPolicy } from "./TracingPolicy.js"
import { layerStats, type TracingStats, TracingStatsCounters } from "./TracingStats.js"

const makeExporter = (
  name: TracingSettings["exporters"][number],
  settings: TracingSettings,
  control: ExportControl
): SpanExporter =>
  name === "otlp" ? makeOtlpExporter(settings.otlp, settings.batch.exportTimeoutMillis, control) : new ConsoleSpanExporter()

/**
 * The processors that hand sampled spans to the exporters, each exporter behind redaction and
 * the length limit; and the OTLP exporter's queue, which a crash drains.
 */
const makeExportProcessors = (settings: TracingSettings, stats: TracingStatsCounters, control: ExportControl) => {
  const policy: ExportPolicy = {
    redaction: settings.redaction.enabled ? settings.redaction : undefined,
    attributeValueLengthLimit: settings.spanLimits.attributeValueLengthLimit
  }
  const redacted = (exporter: SpanExporter) =>
    policy.redaction === undefined && policy.attributeValueLengthLimit === Infinity
      ? exporter
      : new RedactingSpanExporter(exporter, policy)
  const batched = (exporter: SpanExporter) =>
    new QueueAwareBatchSpanProcessor(new MonitoredSpanExporter(redacted(exporter), stats), settings.batch, stats)
  const queues = settings.exporters.map((name) => ({ name, queue: batched(makeExporter(name, settings, control)) }))
  const processors: Array<SpanProcessor> = [
    ...queues.map(({ queue }) => queue),
    ...(settings.spanExporter === undefined ? [] : [batched(settings.spanExporter)]),
    ...(settings.syncSpanExporter === undefined ? [] : [new SimpleSpanProcessor(redacted(settings.syncSpanExporter))])
  ]
  return { processors, policy, otlpQueue: queues.find(({ name }) => name === "otlp")?.queue }
}

const makeResource = (settings: TracingSettings) =>
  defaultResource().merge(
    resourceFromAttributes({
      ...settings.resourceAttributes,
      [TELEMETRY_DISTRO_NAME]: "@blipee/tracing",
      [TELEMETRY_DISTRO_VERSION]: VERSION
    })
  )

/**
 * The provider, and the tail sampler when that mode is on: it stands between the span
 * processors and the exporters' processors, and the sampler and the propagator consult it.
 */
const makeProvider = (settings: TracingSettings, stats: TracingStatsCounters, control: ExportControl) => {
  const { otlpQueue, policy, processors: exportProcessors } = makeExportProcessors(settings, stats, control)
  // Only what goes over OTLP can be sent synchronously when the process dies.
  const open = otlpQueue === undefined ? undefined : new OpenSpans()
  const tail = settings.tailSampling === undefined
    ? undefined
    : new TailSamplingSpanProcessor(settings.tailSampling, exportProcessors)
  stats.tail = tail?.counters
  const provider = new BasicTracerProvider({
    resource: makeResource(settings),
    idGenerator: new HexIdGenerator(),
    sampler: new CountingSampler(
      tail === undefined ? makeSampler(settings.sampler) : new TailSampler(settings.tailSampling!, tail),
      stats
    ),
    // Values are cut at export, after redaction (a cut secret is no longer recognisable).
    spanLimits: { ...settings.spanLimits, attributeValueLengthLimit: Infinity },
    // The processors that keep count of started spans come last: a span whose start fails in
    // an earlier one (out of stack in a deep recursion) never reaches the caller, and must not
    // be counted open or held for a crash flush.
    spanProcessors: [
      new ScopeAttributesSpanProcessor(settings.baggageSpanAttributes),
      ...(tail === undefined ? exportProcessors : [tail]),
      ...settings.spanProcessors,
      new StatsSpanProcessor(stats),
      ...(open === undefined ? [] : [open])
    ]
  })
  const crash = open === undefined || otlpQueue === undefined ? undefined : { open, queues: [otlpQueue], settings, policy }
  return { provider, crash, isTailKept: tail === undefined ? undefined : (traceId: string) => tail.isKept(traceId) }
}

/**
 * The reader of the self-monitoring metrics (and any other Effect metrics) over OTLP, when a
 * metrics endpoint is configured.
 */
const makeMetricReader = (settings: TracingSettings, control: ExportControl) => {
  const url = settings.metrics.url
  if (url === undefined) return undefined
  const exportTimeoutMillis = Math.min(settings.otlp.timeoutMillis, settings.metrics.exportIntervalMillis)
  return new PeriodicExportingMetricReader({
    exporter: makeOtlpMetricExporter(settings.otlp, url, exportTimeoutMillis, control),
    exportIntervalMillis: settings.metrics.exportIntervalMillis,
    exportTimeoutMillis
  })
}

/**
 * Flushes and shuts down the spans and the metrics together, within `timeoutMillis` in all:
 * from here on an export is tried once, not retried, so a dead collector costs one attempt.
 */
const shutdownAll = (
  control: ExportControl,
  parts: ReadonlyArray<{ shutdown(): Promise<void> } | undefined>,
  timeoutMillis: number
) =>
  Effect.suspend(() => {
    control.close()
    return Effect.tryPromise(() => Promise.all(parts.map((part) => part?.shutdown())))
  }).pipe(
    // Finalizers run uninterruptibly; the wait itself must be interruptible for the timeout.
    Effect.interruptible,
    Effect.timeoutFail({
      duration: timeoutMillis,
      onTimeout: () => new Error(`tracing shutdown did not finish within ${timeoutMillis} ms`)
    }),
    Effect.catchAll((error) => Effect.sync(() => diag.warn(`@blipee/tracing: ${String(error)}`)))
  )

const layerDisabled: Layer.Layer<TracingStats> = Layer.merge(
  Layer.setTracerEnabled(false),
  Layer.suspend(() => layerStats(new TracingStatsCounters(false)))
)

/**
 * The layer for resolved settings. Each build makes its own provider and exporters: releasing
 * a layer shuts its exporter down for good.
 *
 * @example
 * ```ts
 * Effect.provide(program, layerSettings(settings))
 * ```
 */
export const layerSettings = (settings: TracingSettings): Layer.Layer<TracingStats> => {
  if (!settings.enabled) return layerDisabled
  return Layer.unwrapScoped(Effect.gen(function*() {
    yield* installDiagLogger(settings.logLevel)
    const stats = new TracingStatsCounters()
    const control = new ExportControl()
    const { crash, isTailKept, provider, reader } = yield* Effect.acquireRelease(
      Effect.sync(() => ({ ...makeProvider(settings, stats, control), reader: makeMetricReader(settings, control) })),
      ({ provider, reader }) => shutdownAll(control, [provider, reader], settings.shutdownTimeoutMillis)
    )
    if (crash !== undefined) {
      // Released before the provider's shutdown (finalizers run in reverse): that one flushes.
      yield* Effect.acquireRelease(Effect.sync(() => flushOnCrash(crash)), (stop) => Effect.sync(stop))
    }
    if (reader !== undefined) {
      reader.setMetricProducer(yield* Effect.provideService(Metrics.makeProducer, Resource.Resource, makeResource(settings)))
    }
    const recording = randomFlagTracerProvider(provider)
    const policy = makeTracingPolicy(settings)
    yield* registerScoped(recording, stats, makePropagator(settings, isTailKept), policy)
    const tracer = recording.getTracer(settings.serviceName, settings.serviceVersion)
    return Layer.mergeAll(layerEffectTracer(tracer), layerTracingPolicy(policy), layerStats(stats))
  }))
}

/** Makes `provider` the one behind the globals, the facade and Effect, for the layer's lifetime. */
const registerScoped = (
  provider: TracerProvider,
  stats: TracingStatsCounters,
  propagator: TextMapPropagator,
  policy: TracingPolicy
) =>
  Effect.acquireRelease(
    Effect.sync(() => register({ provider, propagator, stats, policy })),
    (release) => Effect.sync(release)
  )

/**
 * Tracing on a provider someone else set up and owns (`@vercel/otel`, the Node SDK): its
 * sampler, processors and exporters apply; this layer adds our Effect tracer, facade and
 * propagation settings on top, and flushes the provider (without shutting it down) when
 * released. The self-monitoring counters stay at zero: the spans never pass our processors.
 * Their exporters are not ours to wrap, so the spans started through this library are
 * redacted as they are recorded; other instrumentations' spans on that provider are not.
 *
 * @example
 * ```ts
 * Effect.provide(program, layerOnProvider(settings, trace.getTracerProvider()))
 * ```
 */
export const layerOnProvider = (settings: TracingSettings, provider: TracerProvider): Layer.Layer<TracingStats> => {
  if (!settings.enabled) return layerDisabled
  return Layer.unwrapScoped(Effect.gen(function*() {
    yield* installDiagLogger(settings.logLevel)
    const stats = new TracingStatsCounters()
    if (settings.redaction.enabled) warnForeignRedactionOnce()
    const recording = randomFlagTracerProvider(
      settings.redaction.enabled ? redactingTracerProvider(provider, settings.redaction) : provider
    )
    const policy = makeTracingPolicy(settings)
    yield* registerScoped(recording, stats, makePropagator(settings), policy)
    yield* Effect.addFinalizer(() =>
      Effect.tryPromise(() => (provider as { forceFlush?: () => Promise<void> }).forceFlush?.() ?? Promise.resolve()).pipe(
        Effect.timeout(settings.shutdownTimeoutMillis),
        Effect.ignore
      )
    )
    const tracer = recording.getTracer(settings.serviceName, settings.serviceVersion)
    return Layer.mergeAll(layerEffectTracer(tracer), layerTracingPolicy(policy), layerStats(stats))
  }))
}

let foreignRedactionWarned = false
const warnForeignRedactionOnce = () => {
  if (foreignRedactionWarned) return
  foreignRedactionWarned = true
  diag.warn(
    "@blipee/tracing: using a tracer provider registered by another set-up; spans started through @blipee/tracing " +
      "are redacted as they are recorded, spans of other instrumentations on that provider are not"
  )
}
