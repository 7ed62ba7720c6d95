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
// HTTP (stable)
// ---------------------------------------------------------------------------

export {
  ATTR_CLIENT_ADDRESS as CLIENT_ADDRESS,
  ATTR_ERROR_TYPE as ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD as HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL as HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE as HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_REQUEST_RESEND_COUNT as HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_ROUTE as HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION as NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS as SERVER_ADDRESS,
  ATTR_SERVER_PORT as SERVER_PORT,
  ATTR_URL_FULL as URL_FULL,
  ATTR_URL_PATH as URL_PATH,
  ATTR_URL_QUERY as URL_QUERY,
  ATTR_URL_SCHEME as URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL as USER_AGENT_ORIGINAL
} from "@opentelemetry/semantic-conventions"

/** Incubating: the low-cardinality template of a client request's URL (`/users/{id}`). */
export const URL_TEMPLATE = "url.template"
/** `error.type` of a request that timed out (the semantic conventions' own example value). */
export const ERROR_TYPE_TIMEOUT = "timeout"
/** Marks a span whose operation the caller cancelled on purpose (Effect's own attribute name). */
export const STATUS_INTERRUPTED = "status.interrupted"

// ---------------------------------------------------------------------------
// Database (stable)
// ---------------------------------------------------------------------------

export {
  ATTR_DB_COLLECTION_NAME as DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE as DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME as DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY as DB_QUERY_SUMMARY,
  ATTR_DB_QUERY_TEXT as DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE as DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME as DB_SYSTEM_NAME,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL as DB_SYSTEM_POSTGRESQL
} from "@opentelemetry/semantic-conventions"
/** Incubating: prefix of recorded query parameters, `db.query.parameter.<key>`. */
export const DB_QUERY_PARAMETER = "db.query.parameter"
/** Incubating: rows a query returned. */
export const DB_RESPONSE_RETURNED_ROWS = "db.response.returned_rows"
/** A transaction's settings and outcome (no semantic convention exists yet). */
export const DB_TRANSACTION_ID = "db.transaction.id"
export const DB_TRANSACTION_ISOLATION_LEVEL = "db.transaction.isolation_level"
export const DB_TRANSACTION_READ_ONLY = "db.transaction.read_only"
export const DB_TRANSACTION_OUTCOME = "db.transaction.outcome"
/** The shape (keys, never values) of a Prisma operation's arguments. */
export const PRISMA_ARGS_SHAPE = "db.prisma.args_shape"

// ---------------------------------------------------------------------------
// Generative AI (semantic conventions v1.37+, still incubating: spelled here)
// ---------------------------------------------------------------------------

export const GEN_AI_OPERATION_NAME = "gen_ai.operation.name"
export const GEN_AI_PROVIDER_NAME = "gen_ai.provider.name"
export const GEN_AI_REQUEST_MODEL = "gen_ai.request.model"
export const GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens"
export const GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature"
export const GEN_AI_REQUEST_TOP_P = "gen_ai.request.top_p"
export const GEN_AI_REQUEST_STREAM = "gen_ai.request.stream"
export const GEN_AI_RESPONSE_ID = "gen_ai.response.id"
export const GEN_AI_RESPONSE_MODEL = "gen_ai.response.model"
export const GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons"
/** Seconds from the request to the first chunk of a streamed response. */
export const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk"
export const GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens"
export const GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens"
export const GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages"
export const GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages"
export const GEN_AI_TOKEN_TYPE = "gen_ai.token.type"
/** Estimated cost of the call in US dollars, from the configured price table (no convention exists). */
export const GEN_AI_USAGE_COST = "gen_ai.usage.cost_usd"
/** The seed's `messages` option: how many messages the request carried. */
export const GEN_AI_REQUEST_MESSAGE_COUNT = "gen_ai.request.message_count"
export const METRIC_GEN_AI_TOKEN_USAGE = "gen_ai.client.token.usage"
export const METRIC_GEN_AI_OPERATION_DURATION = "gen_ai.client.operation.duration"

// ---------------------------------------------------------------------------
// Semantic cache and ML operations (no semantic conventions exist yet)
// ---------------------------------------------------------------------------

export const CACHE_OPERATION = "cache.operation"
export const CACHE_HIT = "cache.hit"
export const CACHE_KEY_HASH = "cache.key_hash"
export const CACHE_SIMILARITY = "cache.similarity"
export const CACHE_TTL = "cache.ttl_seconds"
export const ML_OPERATION = "ml.operation"
export const ML_MODEL_NAME = "ml.model.name"
export const ML_PREFIX = "ml"

// ---------------------------------------------------------------------------
// Third-party API calls (`traceApiClient`)
// ---------------------------------------------------------------------------

export const API_SERVICE = "api.service"
export const API_OPERATION = "api.operation"
export const API_ENDPOINT = "api.endpoint"
export const API_METHOD = "api.method"
/** Prefix of the recorded parameters: `api.params.<name>`. */
export const API_PARAMS = "api.params"

// ---------------------------------------------------------------------------
// Tenant (every span started for a tenant)
// ---------------------------------------------------------------------------

export const TENANT_ID = "tenant.id"
/** Incubating: `user.id`. */
export const USER_ID = "user.id"

// ---------------------------------------------------------------------------
// Self-monitoring metrics (the names the seed guide documents)
// ---------------------------------------------------------------------------

export const METRIC_SPANS_CREATED = "otel.spans.created"
export const METRIC_SAMPLING_DECISIONS = "otel.sampling.decisions"
export const METRIC_EXPORTER_FAILURES = "otel.exporter.failures"
export const METRIC_SPANS_EXPORTED = "otel.spans.exported"
export const METRIC_SPANS_DROPPED = "otel.spans.dropped"
export const METRIC_EXPORT_DURATION = "otel.exporter.duration"
export const METRIC_QUEUE_SIZE = "otel.exporter.queue_size"
/** Metric attributes: the sampling decision and why spans were dropped. */
export const DECISION = "decision"
export const REASON = "reason"

// ---------------------------------------------------------------------------
// Health check span (the seed guide's)
// ---------------------------------------------------------------------------

export const HEALTH_CHECK_SPAN = "tracing.health_check"
export const HEALTH_CHECK_ATTRIBUTE = "test"
