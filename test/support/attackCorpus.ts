/**
 * An attacker's corpus: a secret of every class the README promises to mask, each in the
 * positions that defeat naive detectors (start of a line, after an escape in JSON, inside JSON,
 * percent-encoded, next to other digits), with the needles that must never reach the wire.
 */

export interface SecretCase {
  readonly name: string
  /** The secret as it would appear in text. */
  readonly text: string
  /** The parts that must never be exported (the secret material, not its public prefix). */
  readonly needles: ReadonlyArray<string>
  /** Only meaningful as whole text, not wrapped in other positions (a URL, a card next to digits). */
  readonly standalone?: boolean
}

export const SECRET_CASES: ReadonlyArray<SecretCase> = [
  { name: "openai key", text: "sk-proj-Zx9Qw8Er7Ty6Ui5Op4As3Df2", needles: ["Zx9Qw8Er7Ty6Ui5Op4As3Df2"] },
  { name: "anthropic key", text: "sk-ant-api03-Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk", needles: ["Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk"] },
  { name: "aws access key id", text: "AKIAZX9QW8ER7TY6UI5O", needles: ["ZX9QW8ER7TY6UI5O"] },
  {
    name: "aws secret access key",
    text: "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    needles: ["wJalrXUtnFEMI/K7MDENG/bPxRfiCY"]
  },
  { name: "github token", text: "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8", needles: ["Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0"] },
  {
    name: "github token glued to a word",
    text: "pastedghp_Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Zx9",
    needles: ["Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0"],
    standalone: true
  },
  { name: "slack bot token", text: "xoxb-123456789012-Zx9Qw8Er7Ty6Ui", needles: ["123456789012-Zx9Qw8Er7Ty6Ui"] },
  { name: "slack token glued to a word", text: "idxoxb-123456789012-Zx9Qw8Er7Ty6Ui", needles: ["123456789012-Zx9Qw8Er7Ty6Ui"], standalone: true },
  { name: "slack app token", text: "xapp-1-A0123BCDE-Zx9Qw8Er7Ty6", needles: ["A0123BCDE-Zx9Qw8Er7Ty6"] },
  { name: "stripe secret key", text: "sk_live_Zx9Qw8Er7Ty6Ui5Op4As3Df", needles: ["Zx9Qw8Er7Ty6Ui5Op4As3Df"] },
  { name: "stripe key glued to a word", text: "keysk_live_Zx9Qw8Er7Ty6Ui5Op4As3Df", needles: ["Zx9Qw8Er7Ty6Ui5Op4As3Df"], standalone: true },
  { name: "stripe restricted key", text: "rk_live_Qw8Er7Ty6Ui5Op4As3DfZx9", needles: ["Qw8Er7Ty6Ui5Op4As3DfZx9"] },
  { name: "stripe webhook secret", text: "whsec_Er7Ty6Ui5Op4As3DfZx9Qw8", needles: ["Er7Ty6Ui5Op4As3DfZx9Qw8"] },
  {
    name: "sendgrid key",
    text: "SG.Zx9Qw8Er7Ty6Ui5Op4As3D.Fg2Hj1Kl0Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0",
    needles: ["Zx9Qw8Er7Ty6Ui5Op4As3D", "Fg2Hj1Kl0Zx9Qw8Er7Ty6Ui5Op4"]
  },
  { name: "google api key", text: "AIzaSyZx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9", needles: ["SyZx9Qw8Er7Ty6Ui5Op4As3Df2Gh1"] },
  {
    name: "jwt",
    text: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhdHRhY2tlciJ9.Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm",
    needles: ["eyJzdWIiOiJhdHRhY2tlciJ9", "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm"]
  },
  { name: "bearer token", text: "Authorization: Bearer Rt5Yu6Io7Pa8Sd9Fg0", needles: ["Rt5Yu6Io7Pa8Sd9Fg0"] },
  { name: "basic credentials", text: "Basic YWRtaW46aHVudGVyMg==", needles: ["YWRtaW46aHVudGVyMg"] },
  {
    name: "pem private key",
    text: "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAzx9qw8er7ty6ui5op\n4as3df2gh1jk0lz9xc8vb7nm\n-----END RSA PRIVATE KEY-----",
    needles: ["MIIEpAIBAAKCAQEAzx9qw8er7ty6ui5op", "4as3df2gh1jk0lz9xc8vb7nm"]
  },
  { name: "card number", text: "4242 4242 4242 4242", needles: ["4242 4242 4242 4242", "4242424242424242", "4242-4242"] },
  { name: "card with cvv after", text: "card 4242 4242 4242 4242 123", needles: ["4242 4242 4242 4242"], standalone: true },
  { name: "card with expiry after", text: "pay 5555555555554444 12/27", needles: ["5555555555554444"], standalone: true },
  { name: "card after an amount", text: "charge 100 4000 0566 5566 5556 now", needles: ["4000 0566 5566 5556"], standalone: true },
  { name: "e-mail address", text: "mallory.victim@example.org", needles: ["mallory.victim"] },
  { name: "password pair", text: "password=Hunt3r2Secret!", needles: ["Hunt3r2Secret"] },
  { name: "secret pair", text: "client_secret: Cl13ntS3cretV4lue", needles: ["Cl13ntS3cretV4lue"] },
  { name: "json password field", text: "{\"password\":\"J50nPassw0rdVal\"}", needles: ["J50nPassw0rdVal"] },
  { name: "postgres url password", text: "postgres://app:Pg5ecretPass@db.internal:5432/app", needles: ["Pg5ecretPass"] },
  { name: "ado connection string", text: "Server=db;User Id=sa;Password=Ad0SecretPw;", needles: ["Ad0SecretPw"] },
  { name: "url token parameter", text: "https://api.example.com/cb?access_token=Qs7Token9Value&x=1", needles: ["Qs7Token9Value"] },
  { name: "url fragment token", text: "https://app.example.com/#access_token=Fr4gToken8Value", needles: ["Fr4gToken8Value"] },
  { name: "url matrix token", text: "https://x.example.com/files;token=Mx3Token7Value/a", needles: ["Mx3Token7Value"] },
  {
    name: "url aws signature",
    text: "https://bucket.s3.amazonaws.com/o?X-Amz-Signature=4f3a9b8c7d6e5f4a3b2c1d0e9f8a7b6c",
    needles: ["4f3a9b8c7d6e5f4a3b2c1d0e9f8a7b6c"]
  },
  { name: "url userinfo", text: "https://admin:Us3rInfoPw@internal.example.com/", needles: ["Us3rInfoPw"] }
]

export interface Position {
  readonly name: string
  readonly wrap: (secret: string) => string
}

/** How a secret may be surrounded (each is text an application could well record). */
export const POSITIONS: ReadonlyArray<Position> = [
  { name: "plain", wrap: (s) => `note ${s} end` },
  { name: "start of text", wrap: (s) => s },
  { name: "start of a line", wrap: (s) => `first line\n${s}\nlast line` },
  { name: "after a tab", wrap: (s) => `col\t${s}` },
  { name: "after \\n in JSON", wrap: (s) => JSON.stringify({ content: `hello\n${s}` }) },
  { name: "after \\t in JSON", wrap: (s) => JSON.stringify({ content: `cell\t${s}` }) },
  { name: "after \\u000a in JSON", wrap: (s) => `{"c":"x\\u000a${JSON.stringify(s).slice(1, -1)}"}` },
  { name: "inside JSON", wrap: (s) => JSON.stringify({ nested: { value: s, other: 1 } }) },
  { name: "percent-encoded", wrap: (s) => `https://search.example.com/?q=${encodeURIComponent(s)}` },
  { name: "percent-encoded text", wrap: (s) => `payload=${encodeURIComponent(s)}` }
]

export interface Carrier {
  readonly id: string
  readonly text: string
  readonly needles: ReadonlyArray<string>
}

/** Every needle as it may look once encoded (JSON escapes, percent-encoding). */
const encodings = (needle: string): Array<string> => [
  needle,
  JSON.stringify(needle).slice(1, -1),
  encodeURIComponent(needle),
  encodeURIComponent(needle).replace(/%20/g, "+")
]

/**
 * Every secret in every position.
 *
 * @example
 * ```ts
 * for (const carrier of carriers()) span.setAttribute(`note.${carrier.id}`, carrier.text)
 * ```
 */
export const carriers = (): Array<Carrier> =>
  SECRET_CASES.flatMap((secret) =>
    (secret.standalone === true ? POSITIONS.slice(0, 1) : POSITIONS).map((position) => ({
      id: `${secret.name} / ${position.name}`,
      text: position.wrap(secret.text),
      needles: [...new Set(secret.needles.flatMap(encodings))]
    }))
  )

/** Every needle of every case, encoded every way. */
export const allNeedles = (): Array<string> => [...new Set(SECRET_CASES.flatMap((secret) => secret.needles.flatMap(encodings)))]

/** The first half of each needle: what a cut-before-redaction leaves. */
export const needleHeads = (): Array<string> =>
  [...new Set(SECRET_CASES.flatMap((secret) => secret.needles.map((needle) => needle.slice(0, Math.ceil(needle.length / 2)))))]

/** Which needles occur in `text`. */
export const leaksIn = (text: string, needles: ReadonlyArray<string>): Array<string> => needles.filter((needle) => text.includes(needle))
