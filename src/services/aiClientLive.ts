/**
 * The implementation behind `AiClient`'s layers, loaded when one is built: it brings
 * `@effect/platform`'s request building and Effect's streams, which an application that only
 * uses the facade never needs to load.
 *
 * @since 0.1.0
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import type { Span as OtelSpan } from "@opentelemetry/api"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { currentTracingPolicy, type TracingPolicy } from "../layers/TracingPolicy.js"
import { GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK } from "../semconv.js"
import {
  addChunk,
  chatSpanFinish,
  chatSpanStart,
  type ChatOutcome,
  type ChatRequestInfo,
  emptyOutcome,
  outcomeOf
} from "./aiSpan.js"
import {
  AiAuthentication,
  AiBadRequest,
  type AiClientOptions,
  type AiClientService,
  type AiError,
  AiProviderUnavailable,
  AiRateLimited,
  AiTimeout,
  type ChatDelta,
  type ChatRequest,
  type ChatResponse
} from "./AiClient.js"
import { TracedHttpClient } from "./TracedHttpClient.js"

const statusError = (status: number, message: string, retryAfter: string | undefined): AiError => {
  if (status === 429) {
    const seconds = retryAfter === undefined ? Number.NaN : Number(retryAfter)
    return new AiRateLimited({ message, status: 429, retryAfter: Number.isFinite(seconds) ? Duration.seconds(seconds) : undefined })
  }
  if (status === 401 || status === 403) return new AiAuthentication({ message, status })
  if (status >= 500) return new AiProviderUnavailable({ message, status })
  return new AiBadRequest({ message, status })
}

/** The error a failed response stands for, with the provider's own message when it gave one. */
const failedResponse = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.flatMap(
    Effect.orElseSucceed(response.text, () => ""),
    (text) => {
      let message = `HTTP ${response.status}`
      try {
        const body = JSON.parse(text)
        message = body?.error?.message ?? message
      } catch {
        // Not JSON: the status says enough.
      }
      return Effect.fail(statusError(response.status, message, response.headers["retry-after"]))
    }
  )

/** Server-sent events: the JSON of each `data:` line; `[DONE]` ends OpenAI's stream. */
const sseData = (bytes: Stream.Stream<Uint8Array, unknown>): Stream.Stream<unknown, unknown> =>
  bytes.pipe(
    Stream.decodeText(),
    Stream.splitLines,
    Stream.filter((line) => line.startsWith("data:")),
    Stream.map((line) => line.slice(5).trim()),
    Stream.takeWhile((data) => data !== "[DONE]"),
    Stream.filterMap((data) => {
      try {
        return Option.some(JSON.parse(data) as unknown)
      } catch {
        return Option.none()
      }
    })
  )

const deltaOf = (chunk: unknown): ChatDelta | undefined => {
  const c = chunk as any
  if (Array.isArray(c?.choices)) {
    const choice = c.choices[0]
    if (choice === undefined) return undefined
    return { content: typeof choice.delta?.content === "string" ? choice.delta.content : "", finishReason: choice.finish_reason ?? undefined }
  }
  if (c?.type === "content_block_delta") return { content: typeof c.delta?.text === "string" ? c.delta.text : "", finishReason: undefined }
  if (c?.type === "message_delta") return { content: "", finishReason: c.delta?.stop_reason ?? undefined }
  return undefined
}

const toResponse = (outcome: ChatOutcome): ChatResponse => ({
  id: outcome.id,
  model: outcome.model,
  content: outcome.output,
  finishReasons: outcome.finishReasons,
  usage: { inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens }
})

/**
 * An `AiClient` over the `TracedHttpClient` in context.
 *
 * @example
 * ```ts
 * const ai = yield* makeAiClient({ provider: "openai", apiKey: Redacted.make(key) })
 * ```
 */
export const makeAiClient = (options: AiClientOptions): Effect.Effect<AiClientService, never, TracedHttpClient> =>
  Effect.map(TracedHttpClient, (http) => {
    const anthropic = options.provider === "anthropic"
    const baseUrl = (options.baseUrl ?? (anthropic ? "https://api.anthropic.com" : "https://api.openai.com/v1")).replace(/\/$/, "")
    const url = anthropic ? `${baseUrl}/v1/messages` : `${baseUrl}/chat/completions`
    const apiKey = typeof options.apiKey === "string" ? Redacted.make(options.apiKey) : options.apiKey
    const providerName = options.providerName ?? options.provider
    const serverAddress = new URL(baseUrl).hostname
    const timeout = options.timeout === undefined ? undefined : Duration.decode(options.timeout)

    const info = (request: ChatRequest, stream: boolean, policy: TracingPolicy): ChatRequestInfo => ({
      captureContent: request.captureContent ?? policy.ai.captureContent,
      provider: providerName,
      model: request.model,
      messages: request.messages,
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      topP: request.topP,
      stream,
      userId: request.userId,
      organizationId: request.organizationId,
      serverAddress
    })

    const httpRequest = (request: ChatRequest, stream: boolean) => {
      const system = request.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n")
      const body = anthropic
        ? {
          model: request.model,
          max_tokens: request.maxTokens ?? 1024,
          messages: request.messages.filter((m) => m.role !== "system"),
          ...(system === "" ? {} : { system }),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.topP === undefined ? {} : { top_p: request.topP }),
          ...(stream ? { stream: true } : {})
        }
        : {
          model: request.model,
          messages: request.messages,
          ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.topP === undefined ? {} : { top_p: request.topP }),
          // Usage arrives in the final chunk only when asked for.
          ...(stream ? { stream: true, stream_options: { include_usage: true } } : {})
        }
      const base = HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUnsafeJson(body))
      return anthropic
        ? base.pipe(HttpClientRequest.setHeaders({ "x-api-key": Redacted.value(apiKey), "anthropic-version": "2023-06-01" }))
        : base.pipe(HttpClientRequest.bearerToken(Redacted.value(apiKey)))
    }

    /** Sends the request; a failed status becomes its typed error, a dead connection "unavailable". */
    const send = (request: HttpClientRequest.HttpClientRequest, sendBaggage: boolean | undefined, policy: TracingPolicy) => {
      const executed = http.execute(request)
      const sent = ((sendBaggage ?? policy.ai.sendBaggage) ? executed : TracedHttpClient.withoutBaggagePropagation(executed)).pipe(
        Effect.mapError((error) => new AiProviderUnavailable({ message: error.message, status: undefined })),
        Effect.flatMap((response) => (response.status >= 400 ? failedResponse(response) : Effect.succeed(response)))
      )
      return timeout === undefined
        ? sent
        : Effect.timeoutFail(sent, { duration: timeout, onTimeout: () => new AiTimeout({ message: `no answer within ${Duration.format(timeout)}` }) })
    }

    /** `began`: an answer came, or a stream sent a chunk. An interruption (the reader left) is no failure. */
    const finish = (
      span: OtelSpan | undefined,
      request: ChatRequestInfo,
      outcome: ChatOutcome,
      began: boolean,
      started: number,
      exit: Exit.Exit<unknown, AiError>,
      policy: TracingPolicy
    ) => {
      const error = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? Cause.squash(exit.cause) : undefined
      chatSpanFinish(span, request, began || error === undefined ? outcome : undefined, error, (performance.now() - started) / 1000, policy)
    }

    const chatCompletion: AiClientService["chatCompletion"] = (request) =>
      Effect.flatMap(FiberRef.get(currentTracingPolicy), (policy) => {
        const details = info(request, false, policy)
        const { name, attributes } = chatSpanStart(details, policy)
        return Effect.gen(function*() {
          const span = Option.getOrUndefined(yield* Effect.option(OtelTracer.currentOtelSpan))
          const started = performance.now()
          const outcome = emptyOutcome()
          return yield* send(httpRequest(request, false), request.sendBaggage, policy).pipe(
            Effect.flatMap((response) => Effect.orElseSucceed(response.json, () => undefined)),
            Effect.map((json) => {
              Object.assign(outcome, outcomeOf(json) ?? {})
              return toResponse(outcome)
            }),
            Effect.onExit((exit) => Effect.sync(() => finish(span, details, outcome, Exit.isSuccess(exit), started, exit, policy)))
          )
        }).pipe(Effect.withSpan(name, { kind: "client", attributes, captureStackTrace: false }))
      })

    const streamChatCompletion: AiClientService["streamChatCompletion"] = (request) =>
      Stream.unwrapScoped(Effect.gen(function*() {
        const policy = yield* FiberRef.get(currentTracingPolicy)
        const details = info(request, true, policy)
        const { name, attributes } = chatSpanStart(details, policy)
        // The span lives as long as the stream's scope: read to the end, failed or abandoned.
        const span = yield* Effect.makeSpanScoped(name, { kind: "client", attributes, captureStackTrace: false })
        const otelSpan = Option.getOrUndefined(yield* Effect.option(Effect.withParentSpan(OtelTracer.currentOtelSpan, span)))
        const started = performance.now()
        const outcome = emptyOutcome()
        let first = true
        yield* Effect.addFinalizer((exit) => Effect.sync(() => finish(otelSpan, details, outcome, !first, started, exit as Exit.Exit<unknown, AiError>, policy)))
        const response = yield* send(httpRequest(request, true), request.sendBaggage, policy).pipe(Effect.withParentSpan(span))
        return sseData(response.stream).pipe(
          Stream.mapError((error) => new AiProviderUnavailable({ message: String(error), status: undefined })),
          Stream.tap((chunk) =>
            Effect.sync(() => {
              if (first) {
                first = false
                otelSpan?.setAttribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (performance.now() - started) / 1000)
              }
              addChunk(outcome, chunk)
            })
          ),
          Stream.filterMap((chunk) => Option.fromNullable(deltaOf(chunk))),
          Stream.filter((delta) => delta.content !== "" || delta.finishReason !== undefined)
        )
      }))

    return { chatCompletion, streamChatCompletion }
  })

