/**
 * Shutdown stays within its budget: traces and self-monitoring metrics share
 * `shutdownTimeoutMillis`, an export is not retried past its timeout, and a process whose
 * collector is gone exits as soon as its last batch was tried.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import { Tracing } from "../../src/index.js"
import { refusedPort } from "../support/httpFixture.js"

/** A collector on 127.0.0.1 that answers every request with `status`, or never when undefined. */
const collector = (status: number | undefined) =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<{ url: string; requests: Array<string>; server: http.Server }>((resolve) => {
        const requests: Array<string> = []
        const server = http.createServer((req, res) => {
          requests.push(req.url ?? "")
          req.resume()
          if (status !== undefined) res.writeHead(status).end()
        })
        server.listen(0, "127.0.0.1", () =>
          resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server }))
      })
    ),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }))
  )

const work = Effect.forEach([1, 2, 3], (i) => Effect.withSpan(Effect.succeed(i), `work-${i}`), { discard: true })

describe("shutdown", () => {
  it.live("flushes spans and metrics within shutdownTimeoutMillis in all, against a collector that never answers", () =>
    Effect.gen(function*() {
      const { url } = yield* collector(undefined)
      const started = { at: 0 }
      // Effect.provide releases the layer as soon as the work is done: the time after is the shutdown.
      yield* Effect.provide(
        Effect.zipRight(work, Effect.sync(() => (started.at = performance.now()))),
        Tracing.layer({ otlp: { endpoint: url }, metrics: { exportIntervalMillis: 60_000 }, shutdownTimeoutMillis: 1_000 })
      )
      const took = performance.now() - started.at
      // Traces and metrics one after the other took twice the budget.
      expect(took).toBeGreaterThan(900)
      expect(took).toBeLessThan(1_600)
    }).pipe(Effect.scoped), { timeout: 20_000 })

  it.live("does not retry an export past its timeout (the batch export timeout, when shorter than the OTLP one)", () =>
    Effect.gen(function*() {
      const { requests, url } = yield* collector(503)
      yield* Effect.gen(function*() {
        yield* work
        yield* Effect.sleep(2_500)
      }).pipe(Effect.provide(Tracing.layer({
        otlp: { tracesEndpoint: `${url}/v1/traces`, timeoutMillis: 10_000 },
        batch: { scheduledDelayMillis: 10, exportTimeoutMillis: 500 },
        shutdownTimeoutMillis: 200
      })))
      // A retry waits at least 800 ms (1 s with jitter): none fits in 500 ms.
      expect(requests).toEqual(["/v1/traces"])
    }).pipe(Effect.scoped), { timeout: 20_000 })
})

it("a process with no collector exits at most a second after its work", async () => {
  const fixture = fileURLToPath(new URL("../fixtures/noCollector.ts", import.meta.url))
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { PATH: process.env.PATH ?? "", OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await refusedPort()}` },
    stdio: ["ignore", "pipe", "inherit"]
  })
  await once(child.stdout!, "data")
  const done = performance.now()
  const [code] = await once(child, "exit")
  const late = performance.now() - done
  expect(code).toBe(0)
  expect(late).toBeLessThan(1_000)
}, 30_000)
