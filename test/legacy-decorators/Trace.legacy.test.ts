import { SpanStatusCode } from "@opentelemetry/api"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { shutdownTracing, Trace } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"

// This folder's tsconfig turns on experimentalDecorators, so these are legacy decorators.
const spans = initTestTracing()
beforeEach(() => spans.reset())
afterAll(() => shutdownTracing())

class LegacyService {
  constructor(private readonly factor: number) {}

  @Trace("LegacyService.scale")
  async scale(value: number): Promise<number> {
    return value * this.factor
  }

  @Trace()
  fail(): never {
    throw new Error("legacy failure")
  }
}

describe("@Trace with experimentalDecorators", () => {
  it("receives (target, key, descriptor) and traces the method", async () => {
    expect(await new LegacyService(3).scale(2)).toBe(6)
    expect(spans.byName("LegacyService.scale")[0]?.ended).toBe(true)
  })

  it("names the span Class.method by default and records failures", () => {
    expect(() => new LegacyService(1).fail()).toThrow("legacy failure")
    expect(spans.byName("LegacyService.fail")[0]?.status.code).toBe(SpanStatusCode.ERROR)
  })

  it("was compiled as a legacy decorator", () => {
    // Legacy decorators are applied through a descriptor, so the method stays on the prototype
    // under its own property; a standard decorator would have been called with a context object.
    let seen: unknown
    const spy = (...args: Array<unknown>) => {
      seen = args
    }
    class Probe {
      @(spy as any)
      method() {}
    }
    expect(Array.isArray(seen) && (seen as Array<unknown>).length).toBe(3)
    expect(Probe).toBeDefined()
  })
})
