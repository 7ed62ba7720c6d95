import { describe, expect, it } from "vitest"
import { redactAttributes } from "../../src/redaction/attributes.js"
import { isSensitiveKey } from "../../src/redaction/sensitiveKey.js"
import { redactSensitiveText } from "../../src/redaction/sensitiveText.js"

const policy = { allowKeys: new Set<string>(), denyKeys: new Set<string>(), patterns: [] }

describe("isSensitiveKey", () => {
  it.each([
    "password", "db.password", "userPassword", "PASSWD", "client_secret", "auth_token", "access-token", "api_key", "apiKey",
    "x-api-key", "ApiKey", "authorization", "http.request.header.authorization", "cookie", "set-cookie", "session",
    "session.id", "credit_card", "creditCard", "card_number", "cvv", "ssn", "private_key", "password2", "userPasswords",
    "passphrase", "auth", "jwt", "sessionid", "session_token", "sessionToken", "accessToken", "csrf_token", "x-xsrf-token",
    "ocp-apim-subscription-key", "PRIVATE-KEY", "clientSecret", "APIKey", "dbpassword", "aws_secret_access_key", "connect.sid",
    "refresh_tokens", "pwd"
  ])("%s names a secret", (key) => expect(isSensitiveKey(key)).toBe(true))

  it.each([
    "gen_ai.usage.input_tokens", "gen_ai.request.max_tokens", "user.id", "tenant.id", "http.route", "passage", "keyboard",
    "monkey", "db.query.text", "cardinality", "sessions_total_count_metric_name_x", "gen_ai.usage.output_tokens", "token_count",
    "tokens_per_second", "prompt_tokens", "auth.method", "cookie.name", "password.expires_at", "tokenizer", "cache.key"
  ])("%s does not", (key) => expect(isSensitiveKey(key)).toBe(false))
})

describe("redactSensitiveText", () => {
  it.each([
    ["contact ana.maria+tag@example.co.uk today", "contact [REDACTED] today"],
    ["Authorization: Bearer abcDEF123456789xyz==", "Authorization: Bearer [REDACTED]"],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c end", "token [REDACTED] end"],
    ["key sk-proj-abcdefghijklmnopqrstuvwx ok", "key [REDACTED] ok"],
    ["aws AKIAIOSFODNN7EXAMPLE.", "aws [REDACTED]."],
    ["gh ghp_abcdefghijklmnopqrstuvwxyz0123456789", "gh [REDACTED]"],
    ["blob xxghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8 end", "blob xx[REDACTED] end"],
    ["card 4111 1111 1111 1111 exp 12/30", "card [REDACTED] exp 12/30"],
    ["card 4111-1111-1111-1111", "card [REDACTED]"],
    ["card 378282246310005 (amex)", "card [REDACTED] (amex)"]
  ])("masks %s", (input, expected) => expect(redactSensitiveText(input)).toBe(expected))

  it.each([
    "order 4111111111111112 (fails Luhn)", "max_tokens 1000, ip 10.0.0.1", "date 2024-01-01", "id 1234567890123",
    "not an email: a@b", "user@localhost", "laughs_and_smiles_with_friends_forever_and_ever",
    "task-abcdefghijklmnopqrstuv1234", "config_npm_registry_mirror_configuration_name"
  ])("leaves %s", (input) => expect(redactSensitiveText(input)).toBe(input))

  it("scans adversarial 200 000-character values in linear time", () => {
    const inputs = ["a".repeat(200_000), "a@".repeat(100_000), `${".".repeat(200_000)}@x`, "1 ".repeat(100_000), "bearer ".repeat(30_000), "eyJ.".repeat(50_000)]
    const started = performance.now()
    for (const input of inputs) redactSensitiveText(input)
    // A backtracking pattern takes minutes on these; a linear scan, milliseconds. The bound is loose on purpose.
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})

describe("redactAttributes", () => {
  it("masks whole values of secret keys and parts of other strings, and keeps the rest", () => {
    const attributes = { "db.password": "hunter2", note: "mail ana@example.com", count: 3, tags: ["ok", "ana@example.com"], "user.id": "u-1" }
    expect(redactAttributes(attributes, policy)).toEqual({
      "db.password": "[REDACTED]", note: "mail [REDACTED]", count: 3, tags: ["ok", "[REDACTED]"], "user.id": "u-1"
    })
  })

  it("returns the same object when nothing changes", () => {
    const attributes = { a: "plain", n: 1 }
    expect(redactAttributes(attributes, policy)).toBe(attributes)
  })

  it("follows the allow-list, the deny-list and the user's patterns", () => {
    const custom = { allowKeys: new Set(["session.id"]), denyKeys: new Set(["customer.name"]), patterns: [/EMP-\d{6}/] }
    expect(redactAttributes({ "session.id": "s-1", "customer.name": "Ana", note: "badge EMP-123456 used" }, custom))
      .toEqual({ "session.id": "s-1", "customer.name": "[REDACTED]", note: "badge [REDACTED] used" })
  })
})
