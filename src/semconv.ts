/**
 * Every attribute name this library writes, in one place.
 *
 * Names follow the current OpenTelemetry semantic conventions; stable ones come from
 * `@opentelemetry/semantic-conventions`, the few that are still incubating are spelled here
 * (the package advises copying incubating names rather than importing them).
 *
 * @since 0.1.0
 */
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions"

// ---------------------------------------------------------------------------
// Resource
// ---------------------------------------------------------------------------

export const SERVICE_NAME = ATTR_SERVICE_NAME
export const SERVICE_VERSION = ATTR_SERVICE_VERSION
/** Incubating: `deployment.environment.name` replaced `deployment.environment`. */
export const DEPLOYMENT_ENVIRONMENT_NAME = "deployment.environment.name"
/** Incubating: names a distribution of the SDK, which this package is. */
export const TELEMETRY_DISTRO_NAME = "telemetry.distro.name"
export const TELEMETRY_DISTRO_VERSION = "telemetry.distro.version"

// ---------------------------------------------------------------------------
// Code location (set by the `@Trace` decorator)
// ---------------------------------------------------------------------------

/** Incubating: `code.function.name` is the fully qualified function name. */
export const CODE_FUNCTION_NAME = "code.function.name"

// ---------------------------------------------------------------------------
// Health check span (the seed guide's)
// ---------------------------------------------------------------------------

export const HEALTH_CHECK_SPAN = "tracing.health_check"
export const HEALTH_CHECK_ATTRIBUTE = "test"
