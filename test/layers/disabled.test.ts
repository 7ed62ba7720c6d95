import { trace } from "@opentelemetry/api"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll } from "vitest"
import { Tracing, TracingLive, TracingStats } from "../../src/index.js"
import { activeRegistration } from "../../src/layers/globalRegistration.js"
import { startStrictReceiver, type Receiver } from "../support/receivers.js"

/** Timers and sockets alive right now (what a layer could leave behind). */
const liveHandles = () =>
  process.getActiveResourcesInfo().filter((kind) => kind === "Timeout" || kind === "TCPSocketWrap").length

describe("disabled tracing", () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startStrictReceiver()
  })
  afterAll(() => receiver.close())

  const traced = Effect.gen(function*() {
    yield* Effect.annotateCurrentSpan("a", 1)
    const span = yield* Effect.currentSpan
    const plain = trace.getTracer("plain").startSpan("plain")
    plain.end()
    return { sampled: span.sampled, plainRecording: plain.isRecording(), registered: activeRegistration() !== undefined }
  }).pipe(Effect.withSpan("work"), Effect.map((result) => ({ ...result, value: 42 })))

  for (const [name, env] of [
    ["OTEL_ENABLED=false", { OTEL_ENABLED: "false" }],
    ["OTEL_SDK_DISABLED=true", { OTEL_SDK_DISABLED: "true" }]
  ] as const) {
    it.live(`${name}: the program runs, nothing is recorded or sent, nothing is left running`, () =>
      Effect.gen(function*() {
        const provider = ConfigProvider.fromMap(new Map([...Object.entries(env), ["OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint]]))
        const before = liveHandles()
        const result = yield* traced.pipe(
          Effect.provide(TracingLive.pipe(Layer.provide(Layer.setConfigProvider(provider))))
        )
        expect(result).toEqual({ sampled: false, plainRecording: false, registered: false, value: 42 })
        // Longer than the batch delay: an exporter, had there been one, would have sent by now.
        yield* Effect.sleep(700)
        expect(receiver.requests).toHaveLength(0)
        expect(liveHandles()).toBeLessThanOrEqual(before)
      }))
  }

  it.effect("reports a disabled exporter in TracingStats", () =>
    Effect.gen(function*() {
      const stats = (yield* TracingStats.snapshot)
      expect(stats.exporter.state).toBe("disabled")
      expect(stats.spansCreated).toBe(0)
    }).pipe(Effect.provide(Tracing.layer({ enabled: false }))))
})
