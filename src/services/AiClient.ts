/**
 * `AiClient`: chat completions against any OpenAI-compatible Chat Completions API (OpenAI,
 * Azure OpenAI, vLLM, Ollama, LM Studio) or Anthropic's Messages API, plain and streamed, each a
 * CLIENT span `chat {model}` under the GenAI semantic conventions. It runs on `TracedHttpClient`,
 * so the HTTP request is a child of the chat span; the API key is never recorded. The
 * implementation (`aiClientLive.ts`) loads when a client is made.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import type { TracedHttpClient } from "./TracedHttpClient.js"

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

export interface ChatRequest {
  readonly model: string
  readonly messages: ReadonlyArray<ChatMessage>
  readonly maxTokens?: number | undefined
  readonly temperature?: number | undefined
  readonly topP?: number | undefined
  readonly userId?: string | undefined
  readonly organizationId?: string | undefined
  /** Record prompt and completion (redacted, truncated). Off by default. */
  readonly captureContent?: boolean | undefined
  /** Send W3C baggage (user and tenant ids) to the provider. Default: `BLIPEE_BAGGAGE_TO_AI`, off. */
  readonly sendBaggage?: boolean | undefined
}

export interface ChatResponse {
  readonly id: string | undefined
  readonly model: string | undefined
  readonly content: string
  readonly finishReasons: ReadonlyArray<string>
  readonly usage: { readonly inputTokens: number | undefined; readonly outputTokens: number | undefined }
}

/** A piece of a streamed answer. */
export interface ChatDelta {
  readonly content: string
  readonly finishReason: string | undefined
}

/** 429: slow down; `retryAfter` is what the provider asked for. */
export class AiRateLimited extends Data.TaggedError("AiRateLimited")<{
  readonly message: string
  readonly status: 429
  readonly retryAfter: Duration.Duration | undefined
}> {}
/** 400, 404, 422: the request itself is wrong. */
export class AiBadRequest extends Data.TaggedError("AiBadRequest")<{ readonly message: string; readonly status: number }> {}
/** 401, 403: the key is missing, wrong or not allowed. */
export class AiAuthentication extends Data.TaggedError("AiAuthentication")<{ readonly message: string; readonly status: number }> {}
/** 5xx or no connection: try later, or elsewhere. */
export class AiProviderUnavailable extends Data.TaggedError("AiProviderUnavailable")<{
  readonly message: string
  readonly status: number | undefined
}> {}
/** No answer within the configured timeout. */
export class AiTimeout extends Data.TaggedError("AiTimeout")<{ readonly message: string }> {}

export type AiError = AiRateLimited | AiBadRequest | AiAuthentication | AiProviderUnavailable | AiTimeout

export interface AiClientService {
  /**
   * @example
   * ```ts
   * const answer = yield* ai.chatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] })
   * ```
   */
  readonly chatCompletion: (request: ChatRequest) => Effect.Effect<ChatResponse, AiError>
  /**
   * The answer as it is generated; the span covers the whole stream and ends when it is done,
   * fails, or is abandoned.
   *
   * @example
   * ```ts
   * yield* ai.streamChatCompletion(request).pipe(Stream.runForEach((delta) => Console.log(delta.content)))
   * ```
   */
  readonly streamChatCompletion: (request: ChatRequest) => Stream.Stream<ChatDelta, AiError>
}

export interface AiClientOptions {
  /** `openai` speaks Chat Completions (any compatible server); `anthropic` speaks Messages. */
  readonly provider: "openai" | "anthropic"
  /** Default `https://api.openai.com/v1` or `https://api.anthropic.com`. */
  readonly baseUrl?: string | undefined
  readonly apiKey: Redacted.Redacted<string> | string
  /** `gen_ai.provider.name`, when it is not the protocol's (`azure.ai.openai`, `ollama`, ...). */
  readonly providerName?: string | undefined
  /** Per call, until the whole answer (or the first chunk of a stream) arrived. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The AI client service: chat completions, plain and streamed, each a traced `chat {model}`
 * span, over the `TracedHttpClient` in context.
 *
 * @example
 * ```ts
 * const ai = yield* AiClient
 * const answer = yield* ai.chatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] })
 * ```
 */
export class AiClient extends Context.Tag("@blipee/tracing/AiClient")<AiClient, AiClientService>() {
  /**
   * A client over the `TracedHttpClient` in context.
   *
   * @example
   * ```ts
   * const ai = yield* AiClient.make({ provider: "openai", apiKey: Redacted.make(key) })
   * ```
   */
  static make(options: AiClientOptions): Effect.Effect<AiClientService, never, TracedHttpClient> {
    return Effect.flatMap(Effect.promise(() => import("./aiClientLive.js")), (live) => live.makeAiClient(options))
  }

  /**
   * @example
   * ```ts
   * program.pipe(Effect.provide(AiClient.layer({ provider: "openai", apiKey: Redacted.make(key) })))
   * ```
   */
  static layer(options: AiClientOptions): Layer.Layer<AiClient, never, TracedHttpClient> {
    return Layer.effect(AiClient, AiClient.make(options))
  }

  /**
   * The client configured from the environment: `OPENAI_API_KEY` and `OPENAI_BASE_URL`, or
   * `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL`. A missing key fails the layer with a
   * `ConfigError` naming it.
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(AiClient.layerConfig("openai")), Effect.provide(TracedHttpClient.layerFetch()))
   * ```
   */
  static layerConfig(
    provider: AiClientOptions["provider"],
    options: Omit<AiClientOptions, "provider" | "apiKey" | "baseUrl"> = {}
  ): Layer.Layer<AiClient, ConfigError.ConfigError, TracedHttpClient> {
    const prefix = provider === "openai" ? "OPENAI" : "ANTHROPIC"
    return Layer.unwrapEffect(
      Effect.map(
        Config.all({ apiKey: Config.redacted(`${prefix}_API_KEY`), baseUrl: Config.option(Config.string(`${prefix}_BASE_URL`)) }),
        ({ apiKey, baseUrl }) => AiClient.layer({ ...options, provider, apiKey, baseUrl: Option.getOrUndefined(baseUrl) })
      )
    )
  }
}
