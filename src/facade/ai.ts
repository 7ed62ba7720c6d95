/**
 * The seed's AI API for async/await code: `traceAIChatCompletion`, `traceSemanticCache`,
 * `traceMLOperation`.
 *
 * @since 0.1.0
 */
import { context, type Span, SpanKind, trace } from "@opentelemetry/api"
import type * as Duration from "effect/Duration"
import { withoutBaggage } from "../context/scope.js"
import { asText } from "../redaction/asText.js"
import { cacheOperationSpan } from "../services/cacheSpan.js"
import {
  addChunk,
  chatSpanFinish,
  chatSpanStart,
  type ChatOutcome,
  type ChatRequestInfo,
  emptyOutcome,
  outcomeOf
} from "../services/aiSpan.js"
import { GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK } from "../semconv.js"
import { ML_PROGRESS, mlOperationSpan } from "../services/mlSpan.js"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { inOperationSpan } from "./inNewSpan.js"
import { activePolicy } from "../layers/globalRegistration.js"
import { recordFailure } from "../layers/spanFailure.js"

/** The seed's options, plus `provider`-independent extras. */
export type ChatCompletionOptions = Omit<ChatRequestInfo, "provider" | "model">

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => {
  try {
    return typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
  } catch {
    return false // A value whose properties throw is no stream we can follow.
  }
}

/**
 * The stream, unchanged for its consumer (every other property still works), with the span
 * ended when it is read to the end, fails, or is abandoned (`break` calls `return()`).
 */
const traceStream = <S extends AsyncIterable<unknown>>(
  stream: S,
  finish: (outcome: ChatOutcome | undefined, error: unknown) => void,
  started: number,
  span: Span
): S => {
  const outcome = emptyOutcome()
  let began = false
  let done = false
  const end = (error?: unknown) => {
    if (done) return
    done = true
    finish(began || error === undefined ? outcome : undefined, error)
  }
  return new Proxy(stream, {
    get(target, property, receiver) {
      if (property !== Symbol.asyncIterator) return Reflect.get(target, property, receiver)
      return () => {
        const iterator = target[Symbol.asyncIterator]()
        let first = true
        return {
          async next(...args: [] | [unknown]) {
            try {
              const result = await iterator.next(...args)
              if (result.done) end()
              else {
                if (first) {
                  first = false
                  span.setAttribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (performance.now() - started) / 1000)
                }
                began = true
                addChunk(outcome, result.value)
              }
              return result
            } catch (error) {
              end(error)
              throw error
            }
          },
          async return(value?: unknown) {
            end()
            return (await iterator.return?.(value)) ?? { done: true as const, value }
          },
          async throw(error?: unknown) {
            end(error)
            if (iterator.throw) return iterator.throw(error)
            throw error
          },
          [Symbol.asyncIterator]() {
            return this
          }
        }
      }
    }
  })
}

/**
 * Traces a chat completion made with any SDK: a CLIENT span `chat {model}` with the GenAI
 * attributes, the response's id, model, finish reasons and token usage (OpenAI and Anthropic
 * shapes, streamed or not), and the token and duration metrics. A returned stream is handed
 * back unchanged and its span ends when it does. Prompt and completion text are recorded only
 * with `captureContent` (or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`); with a
 * price for the model (`BLIPEE_GENAI_PRICES`) the span carries the estimated cost.
 *
 * @example
 * ```ts
 * const response = await traceAIChatCompletion("openai", "gpt-4", async () => {
 *   return await openai.chat.completions.create({ model: "gpt-4", messages })
 * }, { messages: messages.length, maxTokens: 1000, temperature: 0.7, userId: "user-123", organizationId: "org-456" })
 * ```
 */
export const traceAIChatCompletion = async <T>(
  provider: string,
  model: string,
  fn: (span: Span) => T | PromiseLike<T>,
  options: ChatCompletionOptions = {}
): Promise<T> => {
  ensureTracing()
  const policy = activePolicy()
  const settings = policy.ai
  const opts: ChatCompletionOptions = typeof options === "object" && options !== null ? options : {}
  const captureContent = opts.captureContent ?? settings.captureContent
  const request: ChatRequestInfo = { ...opts, provider: asText(provider), model: asText(model), captureContent }
  const { name, attributes } = chatSpanStart(request, policy)
  const parent = context.active()
  // What `fn` sends (through an instrumented fetch, `traceFetch`) carries no baggage unless asked.
  const callContext = (opts.sendBaggage ?? settings.sendBaggage) ? parent : withoutBaggage(parent)
  const span = facadeTracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent)
  const started = performance.now()
  const finish = (outcome: ChatOutcome | undefined, error: unknown) => {
    if (error !== undefined) recordFailure(span, error)
    chatSpanFinish(span, request, outcome, error, (performance.now() - started) / 1000, policy)
    span.end()
  }
  let result: T
  try {
    result = await context.with(trace.setSpan(callContext, span), () => fn(span))
  } catch (error) {
    finish(undefined, error)
    throw error
  }
  if (isAsyncIterable(result)) return traceStream(result, finish, started, span) as T
  finish(outcomeOf(result) ?? emptyOutcome(), undefined)
  return result
}


/**
 * Traces a semantic-cache call: a span `cache.lookup` or `cache.store` with the key as a hash
 * only; a lookup records `cache.hit` (a result that is not `null`/`undefined`, or its `hit`)
 * and the similarity when the result has one; a store, its `ttl` when given (`"1 hour"`, or
 * milliseconds), as `cache.ttl_seconds`.
 *
 * @example
 * ```ts
 * const cached = await traceSemanticCache("lookup", cacheKey, async () => cache.get(cacheKey))
 * await traceSemanticCache("store", cacheKey, async () => cache.set(cacheKey, value, ttl), { ttl: "1 hour" })
 * ```
 */
export const traceSemanticCache = async <T>(
  operation: "lookup" | "store" | (string & {}),
  key: string | ReadonlyArray<unknown> | object,
  fn: (span: Span) => T | PromiseLike<T>,
  options: { readonly ttl?: Duration.DurationInput | undefined } = {}
): Promise<T> => {
  return inOperationSpan(cacheOperationSpan(operation, key, options?.ttl), fn)
}

/** Reports progress from inside an ML operation: an `ml.progress` event on its span. */
export type ProgressReporter = (progress: Readonly<Record<string, number | string | boolean>>) => void

/**
 * Traces an ML operation (train, predict, evaluate): an INTERNAL span `ml.{operation} {model}`
 * with the options as `ml.*` attributes (`ml.dataset.size`, `ml.features`, `ml.epochs`,
 * `ml.batch_size`, ...), an `ml.progress` event per `progress(...)` call, and the numeric results
 * the function returns (`loss`, `accuracy`, ... or under `metrics`) as `ml.result.*`.
 *
 * @example
 * ```ts
 * const model = await traceMLOperation("train", "energy_prediction", async (progress) => {
 *   return await trainModel(data, { onEpoch: (epoch, loss) => progress({ epoch, loss }) })
 * }, { datasetSize: 10000, features: 50, epochs: 10, batchSize: 32 })
 * ```
 */
export const traceMLOperation = async <T>(
  operation: string,
  modelName: string,
  fn: (progress: ProgressReporter, span: Span) => T | PromiseLike<T>,
  options: Readonly<Record<string, unknown>> = {}
): Promise<T> => {
  return inOperationSpan(mlOperationSpan(operation, modelName, options), (span) => fn((values) => span.addEvent(ML_PROGRESS, values), span))
}
