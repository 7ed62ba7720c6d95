/**
 * Whether an attribute, parameter or field name names a secret, by word, not by substring:
 * `api_key`, `X-Api-Key`, `userPassword`, `password2`, `accessTokens` and `session.id` do;
 * `gen_ai.usage.input_tokens`, `max_tokens`, `token_count` and `passage` do not.
 *
 * @since 0.1.0
 */

/** Words that name a secret on their own (singular; a plural `s` is dropped before the look-up). */
const WORDS = new Set([
  "password", "passwd", "pwd", "passphrase", "passcode", "secret", "token", "apikey", "authorization", "auth", "cookie",
  "session", "sessionid", "sid", "cvv", "cvc", "ssn", "credential", "jwt", "csrf", "xsrf", "otp", "bearer", "privatekey",
  "secretkey", "accesskey", "signature"
])
/** Endings that make a run-together word secret: `authtoken`, `dbpassword`, `xapikey`, `clientsecret`. */
const ENDINGS = ["token", "password", "passwd", "secret", "apikey", "sessionid", "cookie", "credential", "privatekey", "secretkey"]
/** Two-word names. */
const PAIRS = new Set([
  "api key", "credit card", "card number", "set cookie", "private key", "secret key", "access key", "subscription key",
  "signing key", "encryption key", "master key", "account key", "shared key", "session key", "client secret", "pass phrase"
])
/**
 * Words that make a name describe a secret rather than hold one: `token_count`, `max_tokens`,
 * `gen_ai.usage.input_tokens`, `password.expires_at`, `auth.method`.
 */
const QUALIFIERS = new Set([
  "count", "total", "max", "min", "limit", "usage", "used", "remaining", "length", "len", "size", "type",
  "kind", "method", "scheme", "provider", "mode", "name", "enabled", "expires", "expiry", "expiration", "ttl", "version",
  "format", "algorithm", "alg", "rate", "budget", "estimate", "policy", "required", "strength", "changed", "reset"
])
/** Words that make a `token` a unit of text (an LLM's), not a credential. */
const TOKEN_QUALIFIERS = new Set(["input", "output", "prompt", "completion", "cached", "reasoning", "per"])

const singular = (word: string): string =>
  word.length > 4 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word

/** The lowercase words of a name: split at separators, at camelCase humps and between letters and digits. */
const wordsOf = (name: string): Array<string> => {
  const words: Array<string> = []
  let word = ""
  let previous = 0 // 0 other, 1 lower, 2 upper, 3 digit
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    const kind = c >= 0x61 && c <= 0x7a ? 1 : c >= 0x41 && c <= 0x5a ? 2 : c >= 0x30 && c <= 0x39 ? 3 : 0
    if (kind === 0) {
      if (word !== "") words.push(word)
      word = ""
    } else {
      // `userPassword`, `password2`, `2fa`; `APIKey` splits before the last capital of a run.
      const hump = (kind === 2 && previous === 1) ||
        (kind === 3) !== (previous === 3) && previous !== 0 ||
        (kind === 1 && previous === 2 && word.length > 1)
      if (hump && word !== "") {
        if (kind === 1 && previous === 2) {
          words.push(word.slice(0, -1))
          word = word.slice(-1)
        } else {
          words.push(word)
          word = ""
        }
      }
      word += kind === 2 ? String.fromCharCode(c + 0x20) : name[i]
    }
    previous = kind
  }
  if (word !== "") words.push(word)
  return words
}

const namesSecret = (raw: ReadonlyArray<string>): boolean => {
  const words = raw.map(singular)
  let secret: string | undefined
  for (let i = 0; i < words.length && secret === undefined; i++) {
    const word = words[i]!
    if (WORDS.has(word) || ENDINGS.some((ending) => word.length > ending.length && word.endsWith(ending))) secret = word
    else if (i + 1 < words.length && PAIRS.has(`${word} ${words[i + 1]}`)) secret = word
  }
  const qualified = (set: ReadonlySet<string>) => raw.some((word, i) => set.has(word) || set.has(words[i]!))
  if (secret === undefined || qualified(QUALIFIERS)) return false
  return secret !== "token" || !qualified(TOKEN_QUALIFIERS)
}

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

const MAX_VERDICTS = 4096
const verdicts = new Map<string, boolean>()
