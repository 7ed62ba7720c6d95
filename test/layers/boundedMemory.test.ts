import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, it } from "vitest"

const fixture = fileURLToPath(new URL("../fixtures/manySpans.ts", import.meta.url))

it("keeps the heap bounded through 200 000 spans against a dead collector", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", fixture], {
    env: { PATH: process.env.PATH ?? "" },
    maxBuffer: 1 << 20
  })
  const result = JSON.parse(stdout)
  expect(result.created).toBe(205_000)
  // Everything that ended and was not sent is counted as dropped: queue full, or a failed export.
  expect(result.dropped).toBeGreaterThan(150_000)
  expect(result.queueSize).toBeLessThanOrEqual(100)
  // What may stay: the queue (at most 100 spans of ~1 KiB) and the batches in flight. Anything
  // that grew with the number of spans would hold 200 000 × ~1 KiB ≈ 200 MiB; 16 MiB leaves room
  // for the runtime's noise and none for a leak.
  expect(result.after - result.before).toBeLessThan(16 * 1024 * 1024)
}, 120_000)
