import { afterEach, describe, expect, it, vi } from "vitest"
import { HexIdGenerator } from "../../src/layers/idGenerator.js"

const ids = new HexIdGenerator()
afterEach(() => vi.restoreAllMocks())

describe("HexIdGenerator", () => {
  it("makes lowercase hex ids of the W3C lengths, every digit used in every position, no repeats", () => {
    const traceIds = new Set<string>()
    const spanIds = new Set<string>()
    const seen = Array.from({ length: 32 }, () => new Set<string>())
    for (let i = 0; i < 20_000; i++) {
      const traceId = ids.generateTraceId()
      const spanId = ids.generateSpanId()
      expect(traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(spanId).toMatch(/^[0-9a-f]{16}$/)
      traceIds.add(traceId)
      spanIds.add(spanId)
      for (let p = 0; p < 32; p++) seen[p]!.add(traceId[p]!)
    }
    expect(traceIds.size).toBe(20_000)
    expect(spanIds.size).toBe(20_000)
    for (const digits of seen) expect(digits.size).toBe(16)
  })

  it("writes each random word big-endian, as the SDK's generator does", () => {
    const words = [0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210]
    let next = 0
    vi.spyOn(Math, "random").mockImplementation(() => words[next++ % 4]! / 4294967296)
    expect(ids.generateTraceId()).toBe("0123456789abcdeffedcba9876543210")
    next = 0
    expect(ids.generateSpanId()).toBe("0123456789abcdef")
  })

  it("never makes the all-zero (invalid) id: its last byte becomes 1", () => {
    vi.spyOn(Math, "random").mockReturnValue(0)
    expect(ids.generateTraceId()).toBe("00000000000000000000000000000001")
    expect(ids.generateSpanId()).toBe("0000000000000001")
  })
})
