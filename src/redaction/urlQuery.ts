/**
 * Query strings with their secrets masked, as the HTTP semantic conventions ask of
 * `url.query` and `url.full`.
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
