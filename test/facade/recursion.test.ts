/**
 * Deep recursion through the facade: it adds no more stack frames per level than the SDK's own
 * `startActiveSpan` does, so a recursive algorithm overflows at nearly the same depth through
 * either; and a stack overflow the program catches stays caught, with no span left open.
 */
import { spawn } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base"
import { afterAll, expect, it } from "vitest"
import { shutdownTracing, traceAsync } from "../../src/index.js"
import { initTestTracing } from "../../src/entries/testing.js"

initTestTracing()
afterAll(() => shutdownTracing())

const stackDepth = () => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = Infinity
  // The frames on the stack now, not the awaiting callers V8 appends (`at async ...`).
  const frames = new Error().stack!.split("\n").filter((line) => line.startsWith("    at ") && !line.startsWith("    at async ")).length
  Error.stackTraceLimit = limit
  return frames
}

/** The stack frames one level of `wrap` adds between a caller and its callback. */
const framesPerLevel = async (wrap: (name: string, fn: () => Promise<unknown>) => Promise<unknown>) => {
  const depths: Array<number> = []
  const nest = (level: number): Promise<unknown> =>
    level === 0 ? Promise.resolve(depths.push(stackDepth())) : wrap(`level-${level}`, () => nest(level - 1))
  // Both from the same place: after an await, below the test runner's frames.
  await Promise.resolve()
  await nest(1)
  await Promise.resolve()
  await nest(2)
  return depths[1]! - depths[0]!
}

it("adds no more stack frames per level than the SDK's startActiveSpan", async () => {
  const raw = new BasicTracerProvider().getTracer("raw")
  const sdk = await framesPerLevel((name, fn) =>
    raw.startActiveSpan(name, async (span) => {
      try {
        return await fn()
      } finally {
        span.end()
      }
    }))
  const ours = await framesPerLevel((name, fn) => traceAsync(name, fn))
  // The SDK's: startActiveSpan, ContextAPI.with, the manager's with, AsyncLocalStorage.run, the
  // callback; ours: traceAsync, inNewSpan, inSpanActive, AsyncLocalStorage.run, the callback.
  expect(ours).toBeLessThanOrEqual(sdk)
})

// Each shape once, in its own process (a stack overflow is process-wide state): the callback
// sync or async, awaited or not, under traceAsync, tracer.startActiveSpan and @Trace.
const shapes = ["plain", "asyncCaller", "asyncCallback", "awaitingCallback", "activeSpan", "asyncActiveSpan", "decorated"]

it.concurrent.each(shapes)("lets a program catch a stack overflow in traced recursion (%s) and go on, every span ended", async (shape) => {
  const fixture = fileURLToPath(new URL("../fixtures/deepRecursion.ts", import.meta.url))
  const child = spawn(process.execPath, ["--import", "tsx", fixture, shape], { stdio: ["ignore", "pipe", "ignore"] })
  let out = ""
  child.stdout!.on("data", (chunk) => (out += chunk))
  const [code] = await once(child, "exit")
  expect(out.trim().split("\n")).toEqual(["caught RangeError", "still running, many spans, 0 open"])
  expect(code).toBe(0)
}, 30_000)
