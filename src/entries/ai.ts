/**
 * `@blipee/tracing/ai`: GenAI chat spans (OpenAI and Anthropic shapes), semantic-cache and ML
 * operation spans, with the GenAI client metrics.
 *
 * @since 0.1.0
 */
export {
  type ChatCompletionOptions,
  type ProgressReporter,
  traceAIChatCompletion,
  traceMLOperation,
  traceSemanticCache
} from "../facade/ai.js"
export { type ChatRequestInfo, operationDuration, tokenUsage } from "../services/aiSpan.js"
export {
  AiAuthentication,
  AiBadRequest,
  type AiClientOptions,
  type AiClientService,
  type AiError,
  AiProviderUnavailable,
  AiRateLimited,
  AiTimeout,
  type ChatDelta,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse
} from "../services/AiClient.js"
export { keyHashOf } from "../redaction/keyHash.js"
export {
  type CacheLookup,
  type Embed,
  hashingEmbedding,
  layerMemory as layerMemoryCache,
  makeMemoryCache,
  type MemoryCacheOptions,
  SemanticCache,
  type SemanticCacheService,
  tracedCache,
  withSemanticCache
} from "../services/SemanticCache.js"
export { mlOperation, reportProgress } from "../services/mlSpan.js"
