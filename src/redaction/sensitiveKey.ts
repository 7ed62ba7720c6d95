/**
 * Whether an attribute or parameter name names a secret, by word, not by substring: `api_key`,
 * `X-Api-Key`, `userPassword` and `session.id` do; `gen_ai.usage.input_tokens` and
 * `max_tokens` do not.
 *
 * @since 0.1.0
 */

const WORDS = new Set(["password", "passwd", "pwd", "secret", "token", "apikey", "authorization", "cookie", "session", "cvv", "ssn", "credential", "credentials"])
const PAIRS = new Set(["api key", "credit card", "card number", "set cookie", "private key", "access key"])

/** The lowercase words of a name: split at separators and at camelCase humps. */
const wordsOf = (name: string): Array<string> =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "")

/**
 * @example
 * ```ts
 * isSensitiveKey("x-api-key") // true
 * isSensitiveKey("gen_ai.request.max_tokens") // false
 * ```
 */
export const isSensitiveKey = (name: string): boolean => {
  let sensitive = verdicts.get(name)
  if (sensitive === undefined) {
    sensitive = namesSecret(wordsOf(name))
    // Attribute keys repeat on every span; an unbounded stream of distinct keys only resets it.
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear()
    verdicts.set(name, sensitive)
  }
  return sensitive
}

const namesSecret = (words: ReadonlyArray<string>): boolean => {
  for (let i = 0; i < words.length; i++) {
    if (WORDS.has(words[i]!)) return true
    if (i + 1 < words.length && PAIRS.has(`${words[i]} ${words[i + 1]}`)) return true
  }
  return false
}

const MAX_VERDICTS = 4096
const verdicts = new Map<string, boolean>()
