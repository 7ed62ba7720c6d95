/**
 * URLs and query strings with their secrets masked, as the HTTP semantic conventions ask of
 * `url.full` and `url.query`: userinfo always; query, matrix (`;token=`) and fragment
 * (`#access_token=`) parameters whose name names a secret (by the same word rules as
 * attribute keys, plus the conventions' signature names); and any parameter whose value,
 * percent-decoded, holds a credential.
 *
 * @since 0.1.0
 */
import { asText } from "./asText.js"
import { isSensitiveKey } from "./sensitiveKey.js"
import { redactSensitiveText } from "./sensitiveText.js"

/** The replacement the semantic conventions prescribe. */
export const REDACTED = "REDACTED"

/**
 * Parameter names the semantic conventions list (`AWSAccessKeyId`, `Signature`, `sig`,
 * `X-Goog-Signature`) and short names that the word rules cannot tell from innocent ones.
 * Compared case-insensitively.
 */
const SENSITIVE = new Set([
  "awsaccesskeyid", "signature", "sig", "x-goog-signature", "x-goog-credential", "x-amz-signature", "x-amz-credential",
  "x-amz-security-token", "key", "api-key", "client_secret", "pass", "code_verifier", "assertion", "client_assertion"
])

/** Parameters that make `code` an OAuth authorization code. */
const OAUTH_COMPANIONS = new Set(["state", "redirect_uri", "client_id", "session_state", "scope", "iss"])

const decode = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "))
  } catch {
    return raw
  }
}

const nameOf = (param: string): string => {
  const eq = param.indexOf("=")
  return decode(eq < 0 ? param : param.slice(0, eq)).toLowerCase()
}

const isSensitiveParam = (name: string, oauth: boolean): boolean =>
  SENSITIVE.has(name) || isSensitiveKey(name) || (oauth && name === "code")

/** The parameters joined by `separator`, each sensitive one's value replaced. */
const redactParams = (params: string, separator: string, oauthHint: boolean): string => {
  const parts = params.split(separator)
  const names = parts.map(nameOf)
  const oauth = oauthHint || names.some((name) => OAUTH_COMPANIONS.has(name))
  let changed = false
  const out = parts.map((param, i) => {
    const eq = param.indexOf("=")
    if (eq < 0) return param
    const value = param.slice(eq + 1)
    if (value === REDACTED || value === "") return param
    if (isSensitiveParam(names[i]!, oauth) || redactSensitiveText(decode(value)) !== decode(value)) {
      changed = true
      return `${param.slice(0, eq)}=${REDACTED}`
    }
    return param
  })
  return changed ? out.join(separator) : params
}

/**
 * The query (without `?`) with the value of every sensitive parameter replaced by `REDACTED`;
 * everything else is kept byte for byte.
 *
 * @example
 * ```ts
 * redactQuery("q=shoes&api_key=abc123&sig=xyz") // "q=shoes&api_key=REDACTED&sig=REDACTED"
 * ```
 */
export const redactQuery = (query: string): string => redactParams(query, "&", false)

/** Path segments' matrix parameters (`/files;jsessionid=abc;token=x/`). */
const redactPath = (path: string, oauth: boolean): string => {
  if (!path.includes(";")) return path
  return path
    .split("/")
    .map((segment) => {
      const semi = segment.indexOf(";")
      return semi < 0 ? segment : `${segment.slice(0, semi)};${redactParams(segment.slice(semi + 1), ";", oauth)}`
    })
    .join("/")
}

const OAUTH_PATH = /oauth|callback|authori[sz]e|signin|login|sso/i

/**
 * The URL as text with its userinfo replaced by `REDACTED` and sensitive parameters masked in
 * the path, the query and the fragment. A string that is not a URL is returned up to its
 * first `?`, `;` or `#` (which may hold anything), with credentials in it masked.
 *
 * @example
 * ```ts
 * redactUrl("https://user:pw@api.example.com/v1?token=abc&city=Lisbon")
 * // "https://REDACTED:REDACTED@api.example.com/v1?token=REDACTED&city=Lisbon"
 * ```
 */
export const redactUrl = (url: string | URL): string => {
  let parsed: URL
  try {
    parsed = url instanceof URL ? new URL(url.href) : new URL(asText(url))
  } catch {
    const text = asText(url)
    const cut = text.search(/[?;#]/)
    return redactSensitiveText(cut < 0 ? text : text.slice(0, cut))
  }
  const credentials = parsed.username === "" && parsed.password === ""
    ? ""
    : parsed.password === "" ? `${REDACTED}@` : `${REDACTED}:${REDACTED}@`
  const oauth = OAUTH_PATH.test(parsed.pathname)
  const query = parsed.search.length > 1 ? `?${redactParams(parsed.search.slice(1), "&", oauth)}` : parsed.search
  const fragment = parsed.hash.length > 1 && parsed.hash.includes("=") ? `#${redactParams(parsed.hash.slice(1), "&", true)}` : parsed.hash
  return `${parsed.protocol}//${credentials}${parsed.host}${redactPath(parsed.pathname, oauth)}${query}${fragment}`
}
