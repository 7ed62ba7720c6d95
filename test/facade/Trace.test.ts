import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { shutdownTracing, Trace } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"

// TypeScript 5 standard (TC39) decorators: this project compiles without experimentalDecorators.
const spans = initTestTracing()
beforeEach(() => spans.reset())
afterAll(() => shutdownTracing())

const transform = async (input: string) => input.toUpperCase()

class MyService {
  readonly prefix = "svc:"

  @Trace("MyService.processData")
  async processData(input: string): Promise<string> {
    return this.prefix + (await transform(input))
  }

  @Trace("MyService.complexOperation", {
    kind: SpanKind.INTERNAL,
    attributes: { service: "data-processor", version: "1.0" }
  })
  async complexOperation(): Promise<void> {}

  @Trace()
  add(a: number, b: number): number {
    return a + b
  }

  @Trace()
  async explode(): Promise<never> {
    throw new RangeError("out of range")
  }
}

// A class that names itself inside its body is renamed by esbuild (`_Factory`), so the default
// span name follows the runtime name; this one does not refer to itself.
class Factory {
  @Trace()
  static create(): string {
    return "made"
  }
}

describe("@Trace with standard decorators", () => {
  it("traces an async method and keeps `this` (the seed's example)", async () => {
    expect(await new MyService().processData("abc")).toBe("svc:ABC")
    const [span] = spans.byName("MyService.processData")
    expect(span?.ended).toBe(true)
    expect(span?.attributes["code.function.name"]).toBe("MyService.processData")
  })

  it("applies kind and attributes from the options", async () => {
    await new MyService().complexOperation()
    const [span] = spans.byName("MyService.complexOperation")
    expect(span?.kind).toBe(SpanKind.INTERNAL)
    expect(span?.attributes).toMatchObject({ service: "data-processor", version: "1.0" })
  })

  it("names a span Class.method by default and traces synchronous methods", () => {
    expect(new MyService().add(2, 3)).toBe(5)
    expect(spans.byName("MyService.add")[0]?.ended).toBe(true)
  })

  it("traces static methods", () => {
    expect(Factory.create()).toBe("made")
    expect(spans.byName("Factory.create")).toHaveLength(1)
  })

  it("records a failure and rethrows it", async () => {
    await expect(new MyService().explode()).rejects.toThrow(RangeError)
    const [span] = spans.byName("MyService.explode")
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "out of range" })
  })

  it("refuses to decorate a field", () => {
    const decorator = Trace() as unknown as (value: undefined, context: { kind: string; name: string }) => unknown
    expect(() => decorator(undefined, { kind: "field", name: "x" })).toThrow(/decorates methods/)
  })
})
