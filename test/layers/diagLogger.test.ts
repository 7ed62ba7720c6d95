import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)
const fixture = fileURLToPath(new URL("../fixtures/diag-debug.ts", import.meta.url))

/** The fixture's output. DiagConsoleLogger keeps the console methods it found at load time, so a
 * separate process is the way to see what it really prints. */
const output = async (env: Record<string, string>) => {
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", fixture], {
    env: { PATH: process.env.PATH ?? "", OTEL_TRACES_EXPORTER: "none", ...env }
  })
  return stdout + stderr
}

describe("OTEL_LOG_LEVEL", () => {
  it("debug turns on the OpenTelemetry diag console logger", async () => {
    expect(await output({ OTEL_LOG_LEVEL: "debug" })).toContain("@opentelemetry/api: Registered a global for trace")
  })

  it("is silent by default", async () => {
    expect(await output({})).toBe("")
  })
})
