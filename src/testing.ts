/**
 * Testing helpers (`@blipee/tracing/testing`): the tracing layer over an in-memory exporter,
 * and the `TestSpans` service to read what was recorded.
 *
 * @since 0.1.0
 */
export { layerTest, TestSpans, type TestSpansService, TracingTest } from "./layers/TracingTest.js"
export { buildSpanTree, type SpanNode } from "./layers/spanTree.js"
