import { describe, expect, it } from "@effect/vitest"
import { trace } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll } from "vitest"
import { Tracing } from "../../src/index.js"
import { TestSpans, layerTest } from "../../src/entries/testing.js"
import { startStrictReceiver, type Receiver } from "../support/receivers.js"

const SECRETS = [
  "hunter2-pass", "sk-live-abcdefghijklmnop1234", "ana.secret@example.com", "4111 1111 1111 1111", "4111111111111111",
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXNlY3JldA", "tok_abcdefgh12345678", "AKIAIOSFODNN7SECRET1", "cookie-value-xyz"
]

/** A span carrying secrets in every place redaction covers. */
const leaky = Effect.gen(function*() {
  const span = trace.getActiveSpan()!
  span.setAttributes({
    "db.password": SECRETS[0]!,
    "llm.api_key": SECRETS[1]!,
    "user.note": `write to ${SECRETS[2]} about card ${SECRETS[3]}`,
    "payment.card": SECRETS[4]!,
    "http.request.header.authorization": [`Bearer ${SECRETS[5]}`],
    "session.token": SECRETS[6]!,
    "http.request.header.cookie": [SECRETS[8]!],
    "safe.value": "keep me"
  })
  span.addEvent("login", { detail: `key ${SECRETS[7]} used by ${SECRETS[2]}` })
  span.recordException(new Error(`could not charge ${SECRETS[4]} for ${SECRETS[2]}`))
  yield* Effect.fail(new Error(`token ${SECRETS[5]} rejected`))
}).pipe(Effect.withSpan("leaky"), Effect.ignore)

describe("redaction before export", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startStrictReceiver()
  })
  afterAll(() => receiver.close())

  for (const protocol of ["http/protobuf", "http/json"] as const) {
    it.live(`leaves no secret anywhere in the ${protocol} request bytes`, () =>
      Effect.gen(function*() {
        receiver.reset()
        yield* leaky.pipe(Effect.provide(Tracing.layer({ otlp: { tracesEndpoint: receiver.url, protocol } })))
        const [span] = receiver.spans
        expect(span!.attributes["safe.value"]).toBe("keep me")
        expect(span!.attributes["db.password"]).toBe("[REDACTED]")
        expect(span!.attributes["user.note"]).toBe("write to [REDACTED] about card [REDACTED]")
        expect(span!.status.message).toBe("token [REDACTED] rejected")
        const raw = Buffer.concat(receiver.requests.map((request) => request.raw)).toString("latin1")
        expect(raw).toContain("keep me")
        for (const secret of SECRETS) expect(raw).not.toContain(secret)
      }))
  }

  it.effect("applies to what TracingTest records too, and can be turned off", () =>
    Effect.gen(function*() {
      yield* leaky
      const [span] = yield* (yield* TestSpans).all
      expect(span!.attributes["llm.api_key"]).toBe("[REDACTED]")
      expect(JSON.stringify(span!.events)).not.toContain(SECRETS[2])
    }).pipe(Effect.provide(layerTest())))

  it.effect("is off with redaction.enabled: false", () =>
    Effect.gen(function*() {
      yield* leaky
      const [span] = yield* (yield* TestSpans).all
      expect(span!.attributes["db.password"]).toBe(SECRETS[0])
    }).pipe(Effect.provide(layerTest({ redaction: { enabled: false } }))))
})
