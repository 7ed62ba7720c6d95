/**
 * The rules behind the corpus, one by one (key words are in redaction.test.ts): URL parts, SQL credentials, bound
 * parameters, user patterns, opt-in PII, and the propagation scope.
 */
import { describe, expect, it } from "vitest"
import { makeHttpPolicy } from "../../src/layers/httpPolicy.js"
import { sanitizeSql } from "../../src/redaction/sanitizeSql.js"
import { redactSensitiveText } from "../../src/redaction/sensitiveText.js"
import { maskEchoedParameters, parameterColumns, parameterValue } from "../../src/redaction/sqlParameters.js"
import { summarizeSql } from "../../src/redaction/summarizeSql.js"
import { redactUrl } from "../../src/redaction/url.js"

describe("URLs", () => {
  it.each([
    ["https://a.example/p?auth_token=x1&q=ok", "https://a.example/p?auth_token=REDACTED&q=ok"],
    ["https://a.example/p?accessToken=x1", "https://a.example/p?accessToken=REDACTED"],
    ["https://a.example/p?private_token=x1&jwt=e", "https://a.example/p?private_token=REDACTED&jwt=REDACTED"],
    ["https://a.example/p?pwd=x1", "https://a.example/p?pwd=REDACTED"],
    ["https://a.example/p;jsessionid=abc;v=1/x", "https://a.example/p;jsessionid=REDACTED;v=1/x"],
    ["https://a.example/#access_token=abc&state=s", "https://a.example/#access_token=REDACTED&state=s"],
    ["https://a.example/cb?code=abc&state=s", "https://a.example/cb?code=REDACTED&state=s"],
    ["https://a.example/oauth/callback?code=abc", "https://a.example/oauth/callback?code=REDACTED"],
    ["https://a.example/products?code=SKU-1", "https://a.example/products?code=SKU-1"],
    ["https://a.example/?q=Bearer%20abcdefgh12345678", "https://a.example/?q=REDACTED"],
    ["https://token@a.example/", "https://REDACTED@a.example/"],
    ["https://u:p@a.example/", "https://REDACTED:REDACTED@a.example/"]
  ])("%s", (url, expected) => expect(redactUrl(url)).toBe(expected))
})

describe("SQL credentials and keywords", () => {
  it.each([
    ["SELECT password FROM users", "SELECT password FROM users"],
    ["CREATE TABLE password (id INT)", "CREATE TABLE password (id INT)"],
    ["GRANT SELECT ON password TO admin", "GRANT SELECT ON password TO admin"],
    ["ALTER TABLE t ADD COLUMN password VARCHAR(255)", "ALTER TABLE t ADD COLUMN password VARCHAR(?)"],
    ["CREATE USER x IDENTIFIED BY Secret1", "CREATE USER x IDENTIFIED BY ?"],
    ["ALTER ROLE x PASSWORD Secret1", "ALTER ROLE x PASSWORD ?"],
    ["SET PASSWORD = Secret1", "SET PASSWORD = ?"],
    ["SET PASSWORD FOR 'u'@'h' = Secret1", "SET PASSWORD FOR ?@? = ?"],
    ["ALTER USER x SET search_path = public", "ALTER USER x SET search_path = public"]
  ])("%s", (sql, expected) => expect(sanitizeSql(sql)).toBe(expected))

  it("summarizes a FROM list of 100 000 tables in linear time", () => {
    const sql = `SELECT * FROM ${Array.from({ length: 100_000 }, (_, i) => `t${i}`).join(", ")}`
    const started = performance.now()
    expect(summarizeSql(sql).summary.startsWith("SELECT t0 t1 t2")).toBe(true)
    // Quadratic took tens of seconds at this size; linear takes milliseconds. The bound is loose on purpose.
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})

describe("bound parameters", () => {
  it("finds the column each parameter is bound to", () => {
    expect(parameterColumns("UPDATE users SET password = $2 WHERE id = $1")).toEqual(["id", "password"])
    expect(parameterColumns("INSERT INTO users (email, \"password\") VALUES ($1, $2)")).toEqual(["email", "password"])
    expect(parameterColumns("SELECT * FROM t WHERE a = ? AND api_key = ?", "mysql")).toEqual(["a", "api_key"])
    expect(parameterColumns("SELECT * FROM t WHERE token = :token")).toEqual(["token"])
  })

  it("masks by column and by content, never throws", () => {
    expect(parameterValue("hunter2", "password")).toBe("[REDACTED]")
    expect(parameterValue("ana", "name")).toBe("ana")
    expect(parameterValue({ password: "x", name: "Ana" }, undefined)).toBe("{\"password\":\"[REDACTED]\",\"name\":\"Ana\"}")
    const cyclic: Record<string, unknown> = { a: 1n }
    cyclic.self = cyclic
    expect(parameterValue(cyclic, undefined)).toBe("{\"a\":\"1\",\"self\":\"[Circular]\"}")
  })

  it("masks what a database error repeats of the parameters", () => {
    expect(maskEchoedParameters("duplicate key value violates unique constraint \"u\": Key (email)=(ana@example.com) already exists.", []))
      .toBe("duplicate key value violates unique constraint \"u\": Key (email)=(?) already exists.")
    expect(maskEchoedParameters("invalid input syntax for type integer: \"hunter2\"", ["hunter2"]))
      .toBe("invalid input syntax for type integer: \"?\"")
  })
})

describe("user patterns and opt-in PII", () => {
  it("a sticky or global flag does not make a pattern miss", () => {
    for (const pattern of [/EMP-\d{6}/y, /EMP-\d{6}/g, /EMP-\d{6}/gy, /emp-\d{6}/i]) {
      expect(redactSensitiveText("badges EMP-123456 and EMP-654321", { patterns: [pattern] })).toBe("badges [REDACTED] and [REDACTED]")
    }
  })

  it("masks IBANs, SSNs and phone numbers only when named", () => {
    const text = "iban DE89 3704 0044 0532 0130 00, ssn 123-45-6789, call +351 912 345 678 or (555) 123-4567"
    expect(redactSensitiveText(text)).toBe(text)
    expect(redactSensitiveText(text, { pii: new Set(["iban", "ssn", "phone"]) }))
      .toBe("iban [REDACTED], ssn [REDACTED], call [REDACTED] or [REDACTED]")
    expect(redactSensitiveText("iban DE89 3704 0044 0532 0130 01", { pii: new Set(["iban"]) })).toBe("iban DE89 3704 0044 0532 0130 01")
  })
})

describe("propagation scope", () => {
  const policy = makeHttpPolicy({ propagateTo: ["https://api.internal", "partner.example", "*.corp.example"], ignoreUrls: [], requestHeaders: [], responseHeaders: [] }, [])
  it.each([
    ["https://api.internal/v1", true],
    ["https://api.internal", true],
    ["https://api.internal.attacker.example/v1", false],
    ["https://api.internal@attacker.example/v1", false],
    ["http://api.internal/v1", false],
    ["https://partner.example/x", true],
    ["https://partner.example.evil.example/x", false],
    ["https://a.corp.example/", true],
    ["https://corp.example.evil/", false]
  ])("%s → %s", (url, expected) => expect(policy.propagates(new URL(url))).toBe(expected))
})
