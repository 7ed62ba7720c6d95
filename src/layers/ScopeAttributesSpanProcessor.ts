/**
 * A `SpanProcessor` that stamps each span with the tenant of its request scope (`tenant.id`,
 * `user.id`) and with the allow-listed baggage entries.
 *
 * @since 0.1.0
 */
import type { Context } from "@opentelemetry/api"
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base"
import { baggageOf, tenantOf } from "../context/scope.js"
import { TENANT_ID, USER_ID } from "../semconv.js"

/**
 * @example
 * ```ts
 * new ScopeAttributesSpanProcessor(["request.priority"])
 * ```
 */
export class ScopeAttributesSpanProcessor implements SpanProcessor {
  constructor(private readonly baggageKeys: ReadonlyArray<string>) {}

  onStart(span: Span, parentContext: Context): void {
    const tenant = tenantOf(parentContext)
    if (tenant !== undefined) {
      span.setAttribute(TENANT_ID, tenant.organizationId)
      if (tenant.userId !== undefined) span.setAttribute(USER_ID, tenant.userId)
    }
    if (this.baggageKeys.length === 0) return
    const baggage = baggageOf(parentContext)
    for (const key of this.baggageKeys) {
      const entry = baggage.get(key)
      if (entry !== undefined) span.setAttribute(key, entry.value)
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}
