import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { initTracing, shutdownTracing, traceAsync, tracingHealth } from "../../src/index.js"
import { refusedPort } from "../support/httpFixture.js"
import { startStrictReceiver, type Receiver } from "../support/receivers.js"

const waitFor = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time")
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe("the facade exporting over OTLP", () => {
  let receiver: Receiver
  let failing: Receiver
  beforeAll(async () => {
    receiver = await startStrictReceiver()
    failing = await startStrictReceiver({ respond: () => ({ status: 500 }) })
  })
  afterAll(async () => {
    await shutdownTracing()
    await receiver.close()
    await failing.close()
  })

  it("flushes every pending span on shutdownTracing()", async () => {
    initTracing({
      serviceName: "facade-export",
      otlp: { tracesEndpoint: receiver.url },
      batch: { scheduledDelayMillis: 60_000, maxQueueSize: 500, maxExportBatchSize: 100 }
    })
    for (let i = 0; i < 300; i++) await traceAsync(`op-${i}`, async () => i)
    expect(receiver.spans).toHaveLength(0)
    await shutdownTracing()
    expect(receiver.spans).toHaveLength(300)
    expect(receiver.spans[0]!.resource["service.name"]).toBe("facade-export")
    expect(receiver.spans[0]!.scope.name).toBe("@blipee/tracing")
  })

  it("makes a second, concurrent shutdownTracing() wait for the same flush", async () => {
    receiver.reset()
    initTracing({ otlp: { tracesEndpoint: receiver.url }, batch: { scheduledDelayMillis: 60_000 } })
    for (let i = 0; i < 20; i++) await traceAsync(`concurrent-${i}`, async () => i)
    const first = shutdownTracing()
    await shutdownTracing()
    expect(receiver.spans).toHaveLength(20)
    await first
  })

  it("reports a failing collector in tracingHealth() while traced calls keep working", async () => {
    initTracing({ otlp: { tracesEndpoint: failing.url }, batch: { scheduledDelayMillis: 10 } })
    expect(await traceAsync("still-works", async () => "result")).toBe("result")
    await waitFor(() => tracingHealth().exportFailures > 0)
    const health = tracingHealth()
    expect(health.exporter.state).toBe("failing")
    expect(health.exporter.lastError).toMatch(/500/)
    expect(health.spansDropped).toBeGreaterThan(0)
    expect(health.exporter.lastExportDurationMs).toBeGreaterThanOrEqual(0)
    await shutdownTracing()
  })

  it("absorbs a dead collector (connection refused)", async () => {
    // The exporter retries refused connections with back-off until its timeout.
    initTracing({
      otlp: { endpoint: `http://127.0.0.1:${await refusedPort()}`, timeoutMillis: 500 },
      batch: { scheduledDelayMillis: 10 }
    })
    expect(await traceAsync("dead-collector", async () => 42)).toBe(42)
    await waitFor(() => tracingHealth().exportFailures > 0)
    expect(tracingHealth().exporter.state).toBe("failing")
    await shutdownTracing()
  })

  it("reports a healthy exporter after a successful export", async () => {
    receiver.reset()
    initTracing({ otlp: { tracesEndpoint: receiver.url }, batch: { scheduledDelayMillis: 10 } })
    await traceAsync("healthy", async () => {})
    await waitFor(() => tracingHealth().spansExported > 0)
    expect(tracingHealth().exporter.state).toBe("ok")
    await shutdownTracing()
  })

  it("throws a useful error for invalid options", () => {
    expect(() => initTracing({ samplingRate: 7 })).toThrow(/samplingRate must be a number in \[0, 1\]/)
  })
})
