/**
 * Every attribute and metric name this library writes, in one place.
 *
 * Names follow the current OpenTelemetry semantic conventions; stable ones come from
 * `@opentelemetry/semantic-conventions`, the few that are still incubating are spelled
 * here (the package advises copying incubating names rather than importing them).
 *
 * @since 0.1.0
 */
import {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_TELEMETRY_SDK_NAME,
  ATTR_TELEMETRY_SDK_VERSION
} from "@opentelemetry/semantic-conventions"

// ---------------------------------------------------------------------------
// Resource
// ---------------------------------------------------------------------------

export const SERVICE_NAME = ATTR_SERVICE_NAME
export const SERVICE_VERSION = ATTR_SERVICE_VERSION
/** Incubating: `deployment.environment.name` replaced `deployment.environment`. */
export const DEPLOYMENT_ENVIRONMENT_NAME = "deployment.environment.name"
export const TELEMETRY_SDK_NAME = ATTR_TELEMETRY_SDK_NAME
export const TELEMETRY_SDK_LANGUAGE = ATTR_TELEMETRY_SDK_LANGUAGE
export const TELEMETRY_SDK_VERSION = ATTR_TELEMETRY_SDK_VERSION
/** Incubating: names a distribution of the SDK, which this package is. */
export const TELEMETRY_DISTRO_NAME = "telemetry.distro.name"
export const TELEMETRY_DISTRO_VERSION = "telemetry.distro.version"

// ---------------------------------------------------------------------------
// Code location (set by the `@Trace` decorator)
// ---------------------------------------------------------------------------

/** Incubating: `code.function.name` is the fully qualified function name. */
export const CODE_FUNCTION_NAME = "code.function.name"

// ---------------------------------------------------------------------------
// Self-monitoring (the names the seed guide documents)
// ---------------------------------------------------------------------------

export const METRIC_SPANS_CREATED = "otel.spans.created"
export const METRIC_SAMPLING_DECISIONS = "otel.sampling.decisions"
export const METRIC_EXPORTER_FAILURES = "otel.exporter.failures"
export const METRIC_SPANS_EXPORTED = "otel.spans.exported"
export const METRIC_SPANS_DROPPED = "otel.spans.dropped"
export const METRIC_EXPORT_DURATION = "otel.exporter.duration"

// ---------------------------------------------------------------------------
// Health check span
// ---------------------------------------------------------------------------

export const HEALTH_CHECK_SPAN = "tracing.health_check"
export const HEALTH_CHECK_ATTRIBUTE = "test"
