/**
 * URLs and query strings with their secrets masked, as the HTTP semantic conventions ask of
 * `url.full` and `url.query`.
 *
 * @since 0.1.0
 */

/** The replacement the semantic conventions prescribe. */
export const REDACTED = "REDACTED"

/**
 * Parameter names whose values are credentials: the semantic conventions' list (`AWSAccessKeyId`,
 * `Signature`, `sig`, `X-Goog-Signature`) and the usual token and key names. Compared
 * case-insensitively.
 */
const SENSITIVE = new Set([
  "awsaccesskeyid",
  "signature",
  "sig",
  "x-goog-signature",
  "x-goog-credential",
  "x-amz-signature",
  "x-amz-credential",
  "x-amz-security-token",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "api_key",
  "apikey",
  "api-key",
  "key",
  "password",
  "passwd",
  "secret",
  "client_secret",
  "auth",
  "authorization",
  "session",
  "sessionid",
  "code"
])

const nameOf = (param: string): string => {
  const eq = param.indexOf("=")
  const raw = eq < 0 ? param : param.slice(0, eq)
  try {
    return decodeURIComponent(raw.replace(/\+/g, " ")).toLowerCase()
  } catch {
    return raw.toLowerCase()
  }
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
export const redactQuery = (query: string): string =>
  query
    .split("&")
    .map((param) => {
      const eq = param.indexOf("=")
      return eq >= 0 && SENSITIVE.has(nameOf(param)) ? `${param.slice(0, eq)}=${REDACTED}` : param
    })
    .join("&")

/**
 * The URL as text with credentials (`user:password@`) replaced by `REDACTED` and sensitive query
 * values masked. A string that is not a URL is returned without its query, which may hold
 * anything.
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
    parsed = typeof url === "string" ? new URL(url) : new URL(url.href)
  } catch {
    return String(url).split("?")[0]!
  }
  if (parsed.username !== "") parsed.username = REDACTED
  if (parsed.password !== "") parsed.password = REDACTED
  const query = parsed.search.length > 1 ? `?${redactQuery(parsed.search.slice(1))}` : ""
  const credentials = parsed.username === "" ? "" : `${parsed.username}${parsed.password === "" ? "" : `:${parsed.password}`}@`
  return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}${query}${parsed.hash}`
}
