import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { startMockReceiver } from "./support/receivers.js"

const fixture = fileURLToPath(new URL("./fixtures/service.ts", import.meta.url))
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const UPSTREAM_SPAN = "00f067aa0ba902b7"

/** Starts one service process and resolves with its URL once it listens. */
const startService = (env: Record<string, string>) =>
  new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fixture], {
      env: { PATH: process.env.PATH ?? "", OTEL_BSP_SCHEDULE_DELAY: "50", ...env },
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`service exited early with ${code}`)))
    child.stdout!.once("data", (chunk: Buffer) => resolve({ child, url: JSON.parse(chunk.toString()).url }))
  })

const stop = async (child: ChildProcess) => {
  const exited = once(child, "exit")
  child.kill("SIGTERM")
  const [code] = await exited
  expect(code).toBe(0)
}

it("carries one trace, its tracestate and its baggage across two processes", async () => {
  const receiver = await startMockReceiver()
  const common = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }
  const b = await startService({ ...common, SERVICE_ROLE: "b", OTEL_SERVICE_NAME: "service-b" })
  const a = await startService({ ...common, SERVICE_ROLE: "a", OTEL_SERVICE_NAME: "service-a", SERVICE_B_URL: b.url })
  try {
    const response = await fetch(`${a.url}/call-b`, {
      headers: {
        traceparent: `00-${TRACE_ID}-${UPSTREAM_SPAN}-01`,
        tracestate: "congo=t61rcWkgMzE",
        baggage: "upstream=gateway"
      }
    })
    const echoed = await response.json()
    await stop(a.child)
    await stop(b.child)
    const spans = await receiver.waitForSpans(3)

    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([TRACE_ID]))
    const aServer = spans.find((s) => s.resource["service.name"] === "service-a" && s.kind === 2)!
    const aClient = spans.find((s) => s.resource["service.name"] === "service-a" && s.kind === 3)!
    const bServer = spans.find((s) => s.resource["service.name"] === "service-b" && s.kind === 2)!
    expect(aServer.name).toBe("GET /call-b")
    expect(aServer.parentSpanId).toBe(UPSTREAM_SPAN)
    expect(aClient.parentSpanId).toBe(aServer.spanId)
    expect(bServer.name).toBe("GET /echo")
    expect(bServer.parentSpanId).toBe(aClient.spanId)
    expect(bServer.traceState).toBe("congo=t61rcWkgMzE")

    expect(echoed).toEqual({
      traceparent: `00-${TRACE_ID}-${aClient.spanId}-01`,
      tracestate: "congo=t61rcWkgMzE",
      baggageHeader: "upstream=gateway,user.id=user-123",
      baggage: { upstream: "gateway", "user.id": "user-123" }
    })
  } finally {
    a.child.kill()
    b.child.kill()
    await receiver.close()
  }
}, 30_000)
