/**
 * Nothing lost when the process dies: an uncaught exception, an unhandled rejection and
 * process.exit() each deliver the spans done so far and the span still open (with the error
 * recorded for a crash) to a real OTLP receiver, while the process ends exactly as Node makes it.
 */
import { spawn } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type Receiver, startStrictReceiver } from "../support/receivers.js"

const fixture = fileURLToPath(new URL("../fixtures/crash.ts", import.meta.url))
let receiver: Receiver
beforeAll(async () => {
  receiver = await startStrictReceiver()
})
beforeEach(() => receiver.reset())
afterAll(() => receiver.close())

const run = async (mode: string) => {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, mode], {
    env: { PATH: process.env.PATH ?? "", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=k-123" },
    stdio: ["ignore", "ignore", "pipe"]
  })
  let stderr = ""
  child.stderr!.on("data", (chunk) => (stderr += chunk))
  const [code] = await once(child, "exit")
  // Sent with the configured headers (handed to the sending child on stdin, not its command line).
  for (const request of receiver.requests) expect(request.headers["x-api-key"]).toBe("k-123")
  return { code, stderr, spans: receiver.spans }
}

const ERROR = 2

describe("a dying process", () => {
  for (const [mode, name, message] of [["throw", "TypeError", "the process crashed"], ["reject", "RangeError", "nobody caught this"]]) {
    it(`${mode === "throw" ? "an uncaught exception" : "an unhandled rejection"}: delivers every span, the open one failed with it, and still dies`, async () => {
      const { code, spans, stderr } = await run(mode!)
      // Node's own behaviour: the error printed, exit code 1.
      expect(code).toBe(1)
      expect(stderr).toContain(message)
      expect(spans.map((span) => span.name).sort()).toEqual(["done-0", "done-1", "done-2", "in-flight"])
      const open = spans.find((span) => span.name === "in-flight")!
      expect(open.status).toEqual({ code: ERROR, message })
      expect(open.events.map((event) => [event.name, event.attributes["exception.type"]])).toEqual([["exception", name]])
    }, 30_000)
  }

  it("masks secrets in the crash's message and stack before sending them (JSON, after a newline)", async () => {
    const { code, spans } = await run("throw-secret")
    expect(code).toBe(1)
    const open = spans.find((span) => span.name === "in-flight")!
    const sent = JSON.stringify([open.status, open.events], (_, value) => (typeof value === "bigint" ? String(value) : value))
    expect(sent).toContain("exception")
    expect(sent).not.toContain("sk-live-4f3c2b1a0987654321abcdef")
    expect(sent).not.toContain("eyJhbGciOiJIUzI1NiJ9")
  }, 30_000)

  it("process.exit(): delivers every span, the open one ended with the exit code", async () => {
    const { code, spans } = await run("exit")
    expect(code).toBe(3)
    expect(spans.map((span) => span.name).sort()).toEqual(["done-0", "done-1", "done-2", "in-flight"])
    expect(spans.find((span) => span.name === "in-flight")!.attributes["process.exit.code"]).toBe(3)
  }, 30_000)
})
