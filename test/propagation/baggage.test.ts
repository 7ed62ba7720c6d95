import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatBaggage, parseBaggage } from "../../src/propagation/baggage.js"

describe("baggage", () => {
  it("parses the specification's examples", () => {
    expect(parseBaggage("userId=alice,serverNode=DF%2028,isProduction=false")).toEqual([
      { key: "userId", value: "alice" },
      { key: "serverNode", value: "DF 28" },
      { key: "isProduction", value: "false" }
    ])
    expect(parseBaggage(["userId=alice", "serverNode=DF%2028,isProduction=false"])).toHaveLength(3)
    expect(parseBaggage(["userId =   alice", "serverNode = DF%2028, isProduction = false"]).map((e) => [e.key, e.value]))
      .toEqual([["userId", "alice"], ["serverNode", "DF 28"], ["isProduction", "false"]])
  })

  it("keeps properties", () => {
    expect(parseBaggage("key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue")).toEqual([
      { key: "key1", value: "value1", metadata: "property1;property2" },
      { key: "key2", value: "value2" },
      { key: "key3", value: "value3", metadata: "propertyKey=propertyValue" }
    ])
  })

  it("decodes percent-encoded UTF-8, replacing invalid sequences with U+FFFD", () => {
    expect(parseBaggage("city=S%C3%A3o%20Paulo")[0]!.value).toBe("São Paulo")
    expect(parseBaggage("bad=%E0%A4%A")[0]!.value).toBe("\uFFFD%A")
    // W3C Baggage §3.2.1.3 (value): the decoded UTF-8 is the value, a leading U+FEFF included.
    expect(parseBaggage("k=%EF%BB%BF%FF")[0]!.value).toBe("\uFEFF\uFFFD")
    expect(parseBaggage("k=%EF%BB%BFok")[0]!.value).toBe("\uFEFFok")
    expect(parseBaggage("eq=a=b==")[0]!.value).toBe("a=b==")
  })

  it("drops invalid members and keeps the valid ones", () => {
    expect(parseBaggage("good=1,bad key=2,also\"bad=3,fine=4,novalue,=5,quote=\"x\",prop=1;bad prop=2").map((e) => e.key))
      .toEqual(["good", "fine"])
  })

  it("lets the last of a repeated key win", () => {
    expect(parseBaggage("a=1,b=2,a=3")).toEqual([{ key: "a", value: "3" }, { key: "b", value: "2" }])
  })

  it("percent-encodes values on write, so that they round-trip", () => {
    const entries = [
      { key: "serverNode", value: "DF 28" },
      { key: "json", value: "{\"a\":\"b, c;d\"}" },
      { key: "unicode", value: "日本語 ✓" },
      { key: "withProps", value: "v", metadata: "ttl=60;internal" }
    ]
    const header = formatBaggage(entries)
    expect(header).toBe("serverNode=DF%2028,json=%7B%22a%22%3A%22b%2C%20c%3Bd%22%7D,unicode=%E6%97%A5%E6%9C%AC%E8%AA%9E%20%E2%9C%93,withProps=v;ttl=60;internal")
    expect(parseBaggage(header)).toEqual(entries)
  })

  it("writes a value with a lone surrogate as U+FFFD instead of throwing", () => {
    expect(parseBaggage(formatBaggage([{ key: "k", value: "a\uD800b" }]))[0]!.value).toBe("a\uFFFDb")
  })

  it("propagates 64 members and 8192 bytes whole, and drops whole members beyond 8192 bytes", () => {
    const sixtyFour = Array.from({ length: 64 }, (_, i) => ({ key: `k${i}`, value: "v".repeat(120) }))
    const header = formatBaggage(sixtyFour)
    expect(header.length).toBeLessThanOrEqual(8192)
    expect(parseBaggage(header)).toHaveLength(64)
    const tooMuch = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: "v".repeat(120) }))
    const cut = formatBaggage(tooMuch)
    expect(cut.length).toBeLessThanOrEqual(8192)
    for (const member of parseBaggage(cut)) expect(member.value).toBe("v".repeat(120))
    expect(parseBaggage(cut).length).toBeGreaterThanOrEqual(64)
  })

  it("never throws and returns only valid entries for any input", () => {
    const headers = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.array(fc.string()),
      fc.array(fc.tuple(fc.string(), fc.string())).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join(","))
    )
    fc.assert(fc.property(headers, (header) => {
      const entries = parseBaggage(header)
      for (const entry of entries) expect(entry.key).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/)
      expect(parseBaggage(formatBaggage(entries)).map((e) => e.key)).toEqual(entries.map((e) => e.key))
    }), { numRuns: 2_000 })
    fc.assert(fc.property(fc.array(fc.record({ key: fc.stringMatching(/^[a-z]{1,8}$/), value: fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)) })) })), (entries) => {
      const header = formatBaggage(entries)
      expect(header.length).toBeLessThanOrEqual(8192)
      const byKey = new Map(entries.map((e) => [e.key, e.value]))
      for (const parsed of parseBaggage(header)) expect(parsed.value).toBe(byKey.get(parsed.key)!.toWellFormed())
    }), { numRuns: 1_000 })
  })
})
