/**
 * Testing helpers (`@blipee/tracing/testing`): the tracing layer over an in-memory exporter
 * with the `TestSpans` service, and the same for the Promise facade.
 *
 * @since 0.1.0
 */
export { layerTest, MemorySpans, TestSpans, type TestSpansService, TracingTest } from "../layers/TracingTest.js"
export { initTestTracing } from "../facade/testing.js"
export { buildSpanTree, type SpanNode } from "../layers/spanTree.js"
