/**
 * The shape of a GenAI chat span under the GenAI semantic conventions (v1.37+): request
 * attributes at the start, and what a response (or the chunks of a streamed one) says at the
 * end, recognised for the OpenAI Chat Completions and Anthropic Messages shapes. Also the two
 * client metrics, `gen_ai.client.token.usage` and `gen_ai.client.operation.duration`.
 *
 * @since 0.1.0
 */
import type { Attributes, Span } from "@opentelemetry/api"
import type { ModelPrice } from "../config.js"
import type { TracingPolicy } from "../layers/TracingPolicy.js"
import type { RedactionPolicy } from "../redaction/attributes.js"
import { redactedJson } from "../redaction/redactedJson.js"
import { errorType } from "./errorType.js"
import { readable } from "./readable.js"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import {
  ERROR_TYPE,
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OPERATION_NAME,
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MAX_TOKENS,
  GEN_AI_REQUEST_MESSAGE_COUNT,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_REQUEST_STREAM,
  GEN_AI_REQUEST_TEMPERATURE,
  GEN_AI_REQUEST_TOP_P,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOKEN_TYPE,
  GEN_AI_USAGE_COST,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  METRIC_GEN_AI_OPERATION_DURATION,
  METRIC_GEN_AI_TOKEN_USAGE,
  SERVER_ADDRESS,
  TENANT_ID,
  USER_ID
} from "../semconv.js"

export interface ChatRequestInfo {
  /** `openai`, `anthropic`, `azure.ai.openai`, ... */
  readonly provider: string
  readonly model: string
  /** The request's messages, or just their count (the seed passes `messages.length`). */
  readonly messages?: number | ReadonlyArray<unknown> | undefined
  readonly maxTokens?: number | undefined
  readonly temperature?: number | undefined
  readonly topP?: number | undefined
  readonly stream?: boolean | undefined
  readonly userId?: string | undefined
  readonly organizationId?: string | undefined
  readonly serverAddress?: string | undefined
  /** Record the messages themselves (`gen_ai.input.messages`/`output.messages`). Off by default. */
  readonly captureContent?: boolean | undefined
  /**
   * Let the provider call carry W3C baggage (user and tenant ids). Default: the layer's
   * `ai.sendBaggage` (`BLIPEE_BAGGAGE_TO_AI`), off: the provider is a third party.
   */
  readonly sendBaggage?: boolean | undefined
}

/** What a response says, whatever its provider's shape. */
export interface ChatOutcome {
  id?: string | undefined
  model?: string | undefined
  readonly finishReasons: Array<string>
  inputTokens?: number | undefined
  outputTokens?: number | undefined
  /** The assistant's text, for content capture. */
  output: string
}

/** Longest recorded message content (JSON), cut after redaction. */
const MAX_CONTENT = 8 * 1024

/** Message content as recorded: masked by the layer's redaction, then cut. Never throws. */
const contentOf = (value: unknown, redaction: RedactionPolicy | undefined): string => redactedJson(value, redaction, MAX_CONTENT)

/**
 * @example
 * ```ts
 * chatSpanStart({ provider: "openai", model: "gpt-4", maxTokens: 1000 }, policy) // { name: "chat gpt-4", attributes: {...} }
 * ```
 */
export const chatSpanStart = (request: ChatRequestInfo, policy: TracingPolicy): { name: string; attributes: Attributes } => {
  const attributes: Attributes = {
    [GEN_AI_OPERATION_NAME]: "chat",
    [GEN_AI_PROVIDER_NAME]: request.provider,
    [GEN_AI_REQUEST_MODEL]: request.model
  }
  if (request.maxTokens !== undefined) attributes[GEN_AI_REQUEST_MAX_TOKENS] = request.maxTokens
  if (request.temperature !== undefined) attributes[GEN_AI_REQUEST_TEMPERATURE] = request.temperature
  if (request.topP !== undefined) attributes[GEN_AI_REQUEST_TOP_P] = request.topP
  if (request.stream !== undefined) attributes[GEN_AI_REQUEST_STREAM] = request.stream
  if (request.serverAddress !== undefined) attributes[SERVER_ADDRESS] = request.serverAddress
  if (request.userId !== undefined) attributes[USER_ID] = request.userId
  if (request.organizationId !== undefined) attributes[TENANT_ID] = request.organizationId
  if (request.messages !== undefined) {
    attributes[GEN_AI_REQUEST_MESSAGE_COUNT] = typeof request.messages === "number" ? request.messages : request.messages.length
    if (request.captureContent === true && typeof request.messages !== "number") {
      attributes[GEN_AI_INPUT_MESSAGES] = contentOf(request.messages, policy.redaction)
    }
  }
  return { name: `chat ${request.model}`, attributes }
}

const record = (value: unknown): Record<string, any> | undefined =>
  typeof value === "object" && value !== null ? (value as Record<string, any>) : undefined

const textOf = (content: unknown): string =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
    ? content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("")
    : ""

/** An empty outcome, to be filled from a response or from chunks. */
export const emptyOutcome = (): ChatOutcome => ({ finishReasons: [], output: "" })

/**
 * Reads a whole response: an OpenAI `chat.completion` or an Anthropic `message`.
 *
 * @example
 * ```ts
 * const outcome = outcomeOf(await openai.chat.completions.create({ model, messages }))
 * ```
 */
export const outcomeOf = (response: unknown): ChatOutcome | undefined => readable(() => readOutcome(response), undefined)

const readOutcome = (response: unknown): ChatOutcome | undefined => {
  const r = record(response)
  if (r === undefined) return undefined
  if (Array.isArray(r.choices)) {
    return {
      id: r.id,
      model: r.model,
      finishReasons: r.choices.map((choice: any) => choice?.finish_reason).filter((reason: unknown): reason is string => typeof reason === "string"),
      inputTokens: r.usage?.prompt_tokens,
      outputTokens: r.usage?.completion_tokens,
      output: r.choices.map((choice: any) => textOf(choice?.message?.content)).join("")
    }
  }
  if (r.type === "message") {
    return {
      id: r.id,
      model: r.model,
      finishReasons: typeof r.stop_reason === "string" ? [r.stop_reason] : [],
      inputTokens: r.usage?.input_tokens,
      outputTokens: r.usage?.output_tokens,
      output: textOf(r.content)
    }
  }
  return undefined
}

/**
 * Folds one chunk of a streamed response into the outcome: OpenAI `chat.completion.chunk`s
 * (usage arrives in the last one with `stream_options.include_usage`) or Anthropic stream events.
 */
export const addChunk = (outcome: ChatOutcome, chunk: unknown): void => readable(() => addReadChunk(outcome, chunk), undefined)

const addReadChunk = (outcome: ChatOutcome, chunk: unknown): void => {
  const c = record(chunk)
  if (c === undefined) return
  if (Array.isArray(c.choices)) {
    outcome.id ??= c.id
    outcome.model ??= c.model
    for (const choice of c.choices) {
      if (typeof choice?.finish_reason === "string") outcome.finishReasons.push(choice.finish_reason)
      if (typeof choice?.delta?.content === "string") outcome.output += choice.delta.content
    }
    if (c.usage) {
      outcome.inputTokens = c.usage.prompt_tokens
      outcome.outputTokens = c.usage.completion_tokens
    }
    return
  }
  if (c.type === "message_start") {
    outcome.id = c.message?.id
    outcome.model = c.message?.model
    outcome.inputTokens = c.message?.usage?.input_tokens
  } else if (c.type === "content_block_delta" && typeof c.delta?.text === "string") {
    outcome.output += c.delta.text
  } else if (c.type === "message_delta") {
    if (typeof c.delta?.stop_reason === "string") outcome.finishReasons.push(c.delta.stop_reason)
    if (typeof c.usage?.output_tokens === "number") outcome.outputTokens = c.usage.output_tokens
  }
}

/**
 * The estimated cost in dollars of a call's tokens, when the model has a price.
 *
 * @example
 * ```ts
 * estimatedCost({ input: 2.5, output: 10 }, 1000, 200) // 0.0045
 * ```
 */
export const estimatedCost = (price: ModelPrice | undefined, inputTokens: number | undefined, outputTokens: number | undefined) =>
  price === undefined || (inputTokens === undefined && outputTokens === undefined)
    ? undefined
    : ((inputTokens ?? 0) * price.input + (outputTokens ?? 0) * price.output) / 1_000_000

/** Records what the response said on the span, and the estimated cost when the model has a price. */
const chatSpanEnd = (span: Span, outcome: ChatOutcome, request: ChatRequestInfo, policy: TracingPolicy): void => {
  if (outcome.id !== undefined) span.setAttribute(GEN_AI_RESPONSE_ID, outcome.id)
  if (outcome.model !== undefined) span.setAttribute(GEN_AI_RESPONSE_MODEL, outcome.model)
  if (outcome.finishReasons.length > 0) span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, outcome.finishReasons)
  if (typeof outcome.inputTokens === "number") span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, outcome.inputTokens)
  if (typeof outcome.outputTokens === "number") span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, outcome.outputTokens)
  const cost = estimatedCost(policy.ai.prices[request.model], outcome.inputTokens, outcome.outputTokens)
  if (cost !== undefined) span.setAttribute(GEN_AI_USAGE_COST, cost)
  if (request.captureContent === true) {
    const output = [{ role: "assistant", content: outcome.output, finish_reason: outcome.finishReasons[0] }]
    span.setAttribute(GEN_AI_OUTPUT_MESSAGES, contentOf(output, policy.redaction))
  }
}

/**
 * What a chat's span and metrics get at its end, both faces alike: what the response said
 * (`outcome`, when one began: an answer, or a stream that sent a chunk), the failure's
 * `error.type`, and the client metrics (tokens only for a call that succeeded). Recording the
 * exception and ending the span are the caller's.
 *
 * @example
 * ```ts
 * chatSpanFinish(span, request, outcome, undefined, (performance.now() - started) / 1000, policy)
 * ```
 */
export const chatSpanFinish = (
  span: Span | undefined,
  request: ChatRequestInfo,
  outcome: ChatOutcome | undefined,
  error: unknown,
  durationSeconds: number,
  policy: TracingPolicy
): void => {
  const type = error === undefined ? undefined : errorType(error)
  if (span !== undefined) {
    if (outcome !== undefined) chatSpanEnd(span, outcome, request, policy)
    if (type !== undefined) span.setAttribute(ERROR_TYPE, type)
  }
  recordChatMetrics(request, error === undefined ? outcome : undefined, durationSeconds, type)
}

// The client metrics, with the bucket boundaries the GenAI semantic conventions give.
export const tokenUsage = Metric.histogram(
  METRIC_GEN_AI_TOKEN_USAGE,
  MetricBoundaries.fromIterable([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]),
  "Number of input and output tokens used"
)
export const operationDuration = Metric.histogram(
  METRIC_GEN_AI_OPERATION_DURATION,
  MetricBoundaries.fromIterable([0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]),
  "GenAI operation duration, in seconds"
)

/**
 * Records the metrics of one finished call.
 *
 * @example
 * ```ts
 * recordChatMetrics(request, outcome, 1.2, undefined)
 * ```
 */
const recordChatMetrics = (
  request: ChatRequestInfo,
  outcome: ChatOutcome | undefined,
  durationSeconds: number,
  type: string | undefined
): void => {
  const common = [
    MetricLabel.make(GEN_AI_OPERATION_NAME, "chat"),
    MetricLabel.make(GEN_AI_PROVIDER_NAME, request.provider),
    MetricLabel.make(GEN_AI_REQUEST_MODEL, request.model),
    ...(outcome?.model === undefined ? [] : [MetricLabel.make(GEN_AI_RESPONSE_MODEL, outcome.model)])
  ]
  operationDuration.unsafeUpdate(durationSeconds, type === undefined ? common : [...common, MetricLabel.make(ERROR_TYPE, type)])
  if (typeof outcome?.inputTokens === "number") {
    tokenUsage.unsafeUpdate(outcome.inputTokens, [...common, MetricLabel.make(GEN_AI_TOKEN_TYPE, "input")])
  }
  if (typeof outcome?.outputTokens === "number") {
    tokenUsage.unsafeUpdate(outcome.outputTokens, [...common, MetricLabel.make(GEN_AI_TOKEN_TYPE, "output")])
  }
}
