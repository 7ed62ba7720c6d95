import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { shutdownTracing, traceAsync, tracingHealth } from "../../src/index.js"
import { startMockReceiver, type Receiver } from "../support/receivers.js"

// The seed's examples never call initTracing(): the first facade call starts tracing from the
// environment. This file owns its worker's process.env.
describe("the facade configured from the environment alone", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startMockReceiver()
    process.env.OTEL_SERVICE_NAME = "blipee-os"
    process.env.OTEL_SERVICE_VERSION = "1.0.0"
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "{\"Authorization\":\"Bearer YOUR_TOKEN\"}"
    process.env.OTEL_SAMPLING_RATE = "1.0"
  })
  afterAll(() => receiver.close())

  it("starts on first use and exports to OTEL_EXPORTER_OTLP_ENDPOINT with the headers", async () => {
    await traceAsync("process_data", async () => "ok", { userId: "user-123" })
    await shutdownTracing()
    const [span] = await receiver.waitForSpans(1)
    expect(span!.name).toBe("process_data")
    expect(span!.resource).toMatchObject({ "service.name": "blipee-os", "service.version": "1.0.0" })
    expect(receiver.requests[0]!.headers.authorization).toBe("Bearer YOUR_TOKEN")
  })

  it("keeps the program running when the environment is invalid, with tracing off", async () => {
    process.env.OTEL_SAMPLING_RATE = "abc"
    const warnings: Array<string> = []
    const warn = console.warn
    console.warn = (message: string) => warnings.push(message)
    try {
      expect(await traceAsync("still-runs", async () => 7)).toBe(7)
      expect(tracingHealth().enabled).toBe(false)
    } finally {
      console.warn = warn
      process.env.OTEL_SAMPLING_RATE = "1.0"
      await shutdownTracing()
    }
    expect(warnings.join("\n")).toMatch(/OTEL_SAMPLING_RATE must be a decimal number/)
  })

  it("records nothing under OTEL_ENABLED=false, and traced code still runs", async () => {
    process.env.OTEL_ENABLED = "false"
    receiver.reset()
    try {
      expect(await traceAsync("disabled", async () => "value")).toBe("value")
      const health = tracingHealth()
      expect(health.enabled).toBe(false)
      expect(health.exporter.state).toBe("disabled")
      expect(health.sampled).toBe(false)
    } finally {
      delete process.env.OTEL_ENABLED
      await shutdownTracing()
    }
    expect(receiver.spans).toHaveLength(0)
  })
})
