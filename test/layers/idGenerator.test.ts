import { afterEach, describe, expect, it, vi } from "vitest"
import { fastIdGenerator } from "../../src/layers/idGenerator.js"

describe("fastIdGenerator", () => {
  afterEach(() => vi.restoreAllMocks())

  it("makes lowercase hex ids of 32 and 16 digits, all different", () => {
    const traceIds = new Set(Array.from({ length: 10_000 }, fastIdGenerator.generateTraceId))
    const spanIds = new Set(Array.from({ length: 10_000 }, fastIdGenerator.generateSpanId))
    expect(traceIds.size).toBe(10_000)
    expect(spanIds.size).toBe(10_000)
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/)
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/)
  })

  it("uses every digit in every position (no byte left out of the table)", () => {
    const seen = Array.from({ length: 16 }, () => new Set<string>())
    for (let i = 0; i < 5_000; i++) [...fastIdGenerator.generateSpanId()].forEach((digit, at) => seen[at]!.add(digit))
    for (const digits of seen) expect(digits.size).toBe(16)
  })

  it("never makes the invalid all-zero id, even from a random source that returns 0", () => {
    vi.spyOn(Math, "random").mockReturnValue(0)
    expect(fastIdGenerator.generateTraceId()).toBe("00000000000000000000000000000001")
    expect(fastIdGenerator.generateSpanId()).toBe("0000000000000001")
  })
})
