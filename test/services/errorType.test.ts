/**
 * The one `error.type` rule: the most specific code an error or one of its causes carries,
 * else its class (or tag), else `_OTHER`.
 */
import * as Data from "effect/Data"
import { describe, expect, it } from "vitest"
import { errorType } from "../../src/services/errorType.js"

class NotFound extends Data.TaggedError("NotFound")<{ readonly id: string }> {}

const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code })

describe("errorType", () => {
  it.each<[string, unknown, string]>([
    ["an SDK error's HTTP status", Object.assign(new Error("Rate limit reached"), { status: 429, code: "rate_limit_exceeded" }), "429"],
    ["a SQLSTATE", Object.assign(new Error("duplicate key"), { code: "23505" }), "23505"],
    ["a system error code one cause down (fetch)", new TypeError("fetch failed", { cause: systemError("ECONNREFUSED") }), "ECONNREFUSED"],
    ["two causes down (a wrapper over fetch)", new Error("Transport error", { cause: new TypeError("fetch failed", { cause: systemError("ENOTFOUND") }) }), "ENOTFOUND"],
    ["a class without a code", new RangeError("out of range"), "RangeError"],
    ["a lowercase code, which is prose, not an identifier", Object.assign(new Error("x"), { code: "invalid value" }), "Error"],
    ["a tagged error", new NotFound({ id: "7" }), "NotFound"],
    ["a tagged plain object", { _tag: "Timeout" }, "Timeout"],
    ["a thrown string", "boom", "_OTHER"],
    ["undefined", undefined, "_OTHER"]
  ])("%s", (_, error, expected) => {
    expect(errorType(error)).toBe(expected)
  })

  it("stops at a cause cycle", () => {
    const a: { cause?: unknown } = {}
    a.cause = a
    expect(errorType(a)).toBe("_OTHER")
  })
})
