import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { FLAG_RANDOM, FLAG_SAMPLED, formatTraceparent, parseTraceparent } from "../../src/propagation/traceparent.js"

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const PARENT_ID = "00f067aa0ba902b7"
const valid = `00-${TRACE_ID}-${PARENT_ID}-01`

describe("traceparent", () => {
  it("parses the specification's examples", () => {
    expect(parseTraceparent(valid)).toEqual({ version: 0, traceId: TRACE_ID, parentId: PARENT_ID, flags: 1 })
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)?.flags).toBe(0)
  })

  it("carries the sampled and random flags, and reads other bits without assuming them", () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-03`)?.flags).toBe(FLAG_SAMPLED | FLAG_RANDOM)
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-09`)?.flags).toBe(0x09)
  })

  it("trims optional whitespace (spaces and tabs)", () => {
    expect(parseTraceparent(` \t${valid}\t `)?.traceId).toBe(TRACE_ID)
  })

  it.each([
    ["version ff", `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ["all-zero trace-id", `00-${"0".repeat(32)}-${PARENT_ID}-01`],
    ["all-zero parent-id", `00-${TRACE_ID}-${"0".repeat(16)}-01`],
    ["uppercase trace-id", `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ["uppercase version", `0A-${TRACE_ID}-${PARENT_ID}-01`],
    ["uppercase flags", `00-${TRACE_ID}-${PARENT_ID}-0A`],
    ["non-hex parent-id", `00-${TRACE_ID}-00f067aa0ba902bz-01`],
    ["short trace-id", `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ["version 00 with a trailing field", `${valid}-extra`],
    ["version 00 with trailing characters", `${valid}0`],
    ["a missing dash", `00${TRACE_ID}-${PARENT_ID}-01-`],
    ["wrong delimiter", `00_${TRACE_ID}_${PARENT_ID}_01`],
    ["empty", ""],
    ["a newline inside", `00-${TRACE_ID}-${PARENT_ID}-0\n1`],
    ["non-hex version", `0g-${TRACE_ID}-${PARENT_ID}-01`]
  ])("rejects %s", (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined()
  })

  it("rejects a header sent twice, even with the same value", () => {
    expect(parseTraceparent([valid, valid])).toBeUndefined()
    // Node and Fetch combine repeated fields with ", ", which no valid value contains.
    expect(parseTraceparent(`${valid}, ${valid}`)).toBeUndefined()
  })

  it("parses a higher version by the forward-compatibility rules", () => {
    expect(parseTraceparent(`cc-${TRACE_ID}-${PARENT_ID}-01`)).toEqual({ version: 0xcc, traceId: TRACE_ID, parentId: PARENT_ID, flags: 1 })
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`)?.version).toBe(1)
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01.future`)).toBeUndefined()
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-0`)).toBeUndefined()
  })

  it("formats version 00 with only the flags this version defines", () => {
    expect(formatTraceparent({ traceId: TRACE_ID, parentId: PARENT_ID, flags: 0xff })).toBe(`00-${TRACE_ID}-${PARENT_ID}-03`)
    expect(formatTraceparent({ traceId: TRACE_ID, parentId: PARENT_ID, flags: 0 })).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`)
  })

  it("never throws, and returns a well-formed value or nothing, for any input", () => {
    const headers = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.array(fc.string()),
      fc.tuple(fc.stringMatching(/^[0-9a-f]{2}$/), fc.stringMatching(/^[0-9a-fA-F]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/), fc.stringMatching(/^[0-9a-f]{2}$/))
        .map((parts) => parts.join("-"))
    )
    fc.assert(fc.property(headers, (header) => {
      const parsed = parseTraceparent(header)
      if (parsed === undefined) return
      expect(parsed.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/)
      expect(parsed.parentId).toMatch(/^(?!0{16})[0-9a-f]{16}$/)
      expect(parsed.version).not.toBe(0xff)
      expect(parseTraceparent(formatTraceparent(parsed))?.traceId).toBe(parsed.traceId)
    }), { numRuns: 2_000 })
  })
})
