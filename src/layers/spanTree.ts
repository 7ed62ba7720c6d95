/**
 * Arranges finished spans into parent/child trees, ordered by start time.
 *
 * @since 0.1.0
 */
import { hrTimeToMicroseconds } from "@opentelemetry/core"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"

/** A span and the spans whose parent it is. */
export interface SpanNode {
  readonly span: ReadableSpan
  readonly children: ReadonlyArray<SpanNode>
}

const byStart = (a: SpanNode, b: SpanNode) => hrTimeToMicroseconds(a.span.startTime) - hrTimeToMicroseconds(b.span.startTime)

/**
 * The forest of the given spans: a span whose parent is not among them (a root, or a child of
 * a remote parent) starts a tree.
 *
 * @example
 * ```ts
 * const [root] = buildSpanTree(exporter.getFinishedSpans())
 * root.children.map((child) => child.span.name)
 * ```
 */
export const buildSpanTree = (spans: ReadonlyArray<ReadableSpan>): ReadonlyArray<SpanNode> => {
  const nodes = new Map<string, { span: ReadableSpan; children: Array<SpanNode> }>()
  for (const span of spans) nodes.set(span.spanContext().spanId, { span, children: [] })
  const roots: Array<SpanNode> = []
  for (const node of nodes.values()) {
    const parentId = node.span.parentSpanContext?.spanId
    const parent = parentId === undefined ? undefined : nodes.get(parentId)
    if (parent === undefined) roots.push(node)
    else parent.children.push(node)
  }
  for (const node of nodes.values()) node.children.sort(byStart)
  return roots.sort(byStart)
}
