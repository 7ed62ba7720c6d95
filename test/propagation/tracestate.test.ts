import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatTracestate, parseTracestate, withTracestateEntry } from "../../src/propagation/tracestate.js"
import { W3CTraceState } from "../../src/propagation/W3CTraceState.js"

describe("tracestate", () => {
  it("parses the specification's examples", () => {
    expect(parseTracestate("rojo=00f067aa0ba902b7")).toEqual([["rojo", "00f067aa0ba902b7"]])
    expect(parseTracestate("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"))
      .toEqual([["rojo", "00f067aa0ba902b7"], ["congo", "t61rcWkgMzE"]])
  })

  it("accepts Level 2 keys (a digit first, '@' anywhere) and values with inner and leading spaces", () => {
    expect(parseTracestate("1vendor=x,tenant@vendor=y,a*b/c_d-e=z")).toHaveLength(3)
    expect(parseTracestate("k=a value, k2=  lead")).toEqual([["k", "a value"], ["k2", "  lead"]])
  })

  it("allows empty and whitespace-only members and an empty header", () => {
    expect(parseTracestate("")).toEqual([])
    expect(parseTracestate(" , \t,a=1,, ")).toEqual([["a", "1"]])
  })

  it("combines header lines in order", () => {
    expect(parseTracestate(["a=1,b=2", "c=3"])).toEqual([["a", "1"], ["b", "2"], ["c", "3"]])
  })

  it.each([
    ["an uppercase key", "Rojo=1"],
    ["a key starting with a symbol", "_rojo=1"],
    ["a key over 256 characters", `${"k".repeat(257)}=1`],
    ["a value over 256 characters", `k=${"v".repeat(257)}`],
    ["a value with '='", "k=a=b"],
    ["a value with a tab", "k=a\tb"],
    ["a value with a non-ASCII character", "k=café"],
    ["a member without '='", "rojo"],
    ["an empty value", "k="]
  ])("drops the whole header for %s", (_, header) => {
    expect(parseTracestate(header)).toBeUndefined()
  })

  // Level 2 §3.3.1.4 and the W3C suite's test_tracestate_duplicated_keys: the header is inherited.
  it("keeps one entry for a duplicated key: the first one's place, the last one's value", () => {
    expect(parseTracestate("foo=1,bar=2,foo=3")).toEqual([["foo", "3"], ["bar", "2"]])
    expect(parseTracestate("foo=1,foo=1")).toEqual([["foo", "1"]])
    expect(parseTracestate(["foo=1", "foo=2"])).toEqual([["foo", "2"]])
    expect(W3CTraceState.parse(["rojo=1,congo=2", "rojo=3"])!.serialize()).toBe("rojo=3,congo=2")
  })

  it("counts distinct keys against the 32-member limit", () => {
    const members = Array.from({ length: 32 }, (_, i) => `k${i}=v${i}`)
    expect(parseTracestate([...members, "k0=again"].join(","))).toHaveLength(32)
  })

  it("accepts 32 members and drops the header at 33", () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v${i}`).join(",")
    expect(parseTracestate(members(32))).toHaveLength(32)
    expect(parseTracestate(members(33))).toBeUndefined()
  })

  it("moves a modified entry to the front and keeps the others in order", () => {
    const entries = parseTracestate("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")!
    expect(formatTracestate(withTracestateEntry(entries, "congo", "ucfJifl5GOE")))
      .toBe("congo=ucfJifl5GOE,rojo=00f067aa0ba902b7")
    expect(W3CTraceState.parse("congo=t61rcWkgMzE")!.set("rojo", "00f067aa0ba902b7").serialize())
      .toBe("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
  })

  it("truncates past 512 characters by whole entries, the long ones first, then from the end", () => {
    const long = `big=${"x".repeat(200)}`
    const small = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, "0")}=${"v".repeat(8)}`).slice(0, 31)
    const entries = parseTracestate([...small.slice(0, 10), long, ...small.slice(10)].join(","))!
    const formatted = formatTracestate(entries)
    expect(formatted.length).toBeLessThanOrEqual(512)
    expect(formatted).not.toContain("big=")
    expect(formatted.startsWith("k00=")).toBe(true)
    for (const member of formatted.split(",")) expect(small).toContain(member)
    // Shorter than the limit: nothing removed.
    expect(formatTracestate(parseTracestate("a=1,b=2")!)).toBe("a=1,b=2")
  })

  it("never throws and returns only valid entries for any input", () => {
    const member = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9_\-*/@]{0,8}$/), fc.string()).map(([k, v]) => `${k}=${v}`)
    const headers = fc.oneof(fc.string(), fc.array(fc.string()), fc.array(member).map((m) => m.join(",")))
    fc.assert(fc.property(headers, (header) => {
      const entries = parseTracestate(header)
      if (entries === undefined) return
      expect(entries.length).toBeLessThanOrEqual(32)
      expect(new Set(entries.map(([k]) => k)).size).toBe(entries.length)
      const reparsed = parseTracestate(formatTracestate(entries, Infinity))
      expect(reparsed).toEqual(entries)
    }), { numRuns: 2_000 })
  })
})
