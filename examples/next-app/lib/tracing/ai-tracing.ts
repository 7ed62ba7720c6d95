export { traceAIChatCompletion, traceMLOperation, traceSemanticCache } from "@blipee/tracing/ai"
