import { spawn } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, expect, it } from "vitest"
import { startStrictReceiver, type Receiver } from "../support/receivers.js"

const fixture = fileURLToPath(new URL("../fixtures/signalled.ts", import.meta.url))
let receiver: Receiver
beforeAll(async () => {
  receiver = await startStrictReceiver()
})
afterAll(() => receiver.close())

it("flushes pending spans on SIGTERM, then lets the signal end the process", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { PATH: process.env.PATH ?? "", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url },
    stdio: ["ignore", "pipe", "inherit"]
  })
  await once(child.stdout!, "data")
  expect(receiver.spans).toHaveLength(0)
  const exited = once(child, "exit")
  child.kill("SIGTERM")
  const [code, signal] = await exited
  expect([code, signal]).toEqual([null, "SIGTERM"])
  expect(receiver.spans.map((span) => span.name).sort()).toEqual(
    Array.from({ length: 25 }, (_, i) => `before-signal-${i}`).sort()
  )
}, 30_000)
