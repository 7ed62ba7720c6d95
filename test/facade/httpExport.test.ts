import { afterAll, beforeAll, expect, it } from "vitest"
import { initTracing, shutdownTracing } from "../../src/index.js"
import { type HttpFixture, startHttpFixture } from "../support/httpFixture.js"
import { startStrictReceiver, type Receiver } from "../support/receivers.js"
import { traceFetch, traceOutgoingRequest } from "../../src/entries/http.js"

let receiver: Receiver
let server: HttpFixture
beforeAll(async () => {
  receiver = await startStrictReceiver()
  server = await startHttpFixture()
})
afterAll(async () => {
  await receiver.close()
  await server.close()
})

it("never exports URL secrets, and never traces its own OTLP endpoint", async () => {
  initTracing({ otlp: { tracesEndpoint: receiver.url } })
  await traceFetch(`${server.url}/ok?token=tok-secret-123&X-Amz-Signature=sig-secret-456&city=Lisbon`)
  await traceOutgoingRequest("GET", "https://admin:hunter2-password@api.example.com/v1?api_key=key-secret-789", async () => ({ status: 200 }))
  // A call to the collector itself: traced, it would feed back into the next export.
  await traceFetch(receiver.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
  await shutdownTracing()

  const spans = receiver.spans
  expect(spans.map((span) => span.attributes["url.full"])).toEqual([
    `${server.url}/ok?token=REDACTED&X-Amz-Signature=REDACTED&city=Lisbon`,
    "https://REDACTED:REDACTED@api.example.com/v1?api_key=REDACTED"
  ])
  const raw = Buffer.concat(receiver.requests.map((request) => request.raw)).toString("latin1")
  for (const secret of ["tok-secret-123", "sig-secret-456", "hunter2-password", "key-secret-789"]) {
    expect(raw).not.toContain(secret)
  }
})
