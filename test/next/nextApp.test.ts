// The example Next.js app (examples/next-app), built with `next build` and served by
// `next start`, traced end to end into a real OTLP receiver.
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { once } from "node:events"
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startAiStandIn, type AiStandIn } from "../../scripts/aiStandIn.js"
import { serveWebHandler, type WebServer } from "../../scripts/webServer.js"
import type { ReceivedSpan } from "../support/otlp.js"
import { type Receiver, startStrictReceiver } from "../support/receivers.js"

const app = fileURLToPath(new URL("../../examples/next-app/", import.meta.url))
const nextBin = `${app}node_modules/next/dist/bin/next`
const installed = existsSync(nextBin)
if (!installed && process.env.CI !== undefined) {
  throw new Error("examples/next-app is not installed: .ci/run installs it with npm ci")
}
if (!installed) console.warn("skipping the Next.js example: run `npm ci --prefix examples/next-app` first")

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const UPSTREAM_SPAN = "00f067aa0ba902b7"
const SERVER = 2
const CLIENT = 3

/**
 * What the build is made from: the example's sources and lockfile, and the built library. A
 * build whose stamp matches is reused (CI runs this file once per Node.js line: the app is
 * built once, as users build it, and started on each line).
 */
const buildInputs = () => {
  const hash = createHash("sha256")
  const add = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name))
    } else {
      hash.update(path).update(readFileSync(path))
    }
  }
  for (const part of ["app", "lib", "middleware", "instrumentation.ts", "next.config.mjs", "package-lock.json", "tsconfig.json"]) {
    add(join(app, part))
  }
  add(fileURLToPath(new URL("../../dist/", import.meta.url)))
  return hash.digest("hex")
}
const stampFile = join(app, ".next", "blipee-build-inputs")
const buildIfChanged = async (env: Record<string, string>) => {
  const inputs = buildInputs()
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === inputs) return
  await promisify(execFile)(process.execPath, [nextBin, "build"], { cwd: app, env, maxBuffer: 16 << 20 })
  writeFileSync(stampFile, inputs)
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

describe.skipIf(!installed)("the Next.js example app", () => {
  let receiver: Receiver
  let upstream: WebServer
  let ai: AiStandIn
  let next: ChildProcess
  let url: string
  const responses = new Map<string, { status: number; body: any }>()

  beforeAll(async () => {
    ;[receiver, ai] = await Promise.all([startStrictReceiver(), startAiStandIn()])
    upstream = await serveWebHandler(() => Response.json({ base: "EUR", rates: { USD: 1.08 } }))
    const env = { PATH: process.env.PATH ?? "", NEXT_TELEMETRY_DISABLED: "1" }
    await buildIfChanged(env)
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    next = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
      cwd: app,
      env: {
        ...env,
        OTEL_SERVICE_NAME: "next-app",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "50",
        UPSTREAM_URL: upstream.url,
        OPENAI_BASE_URL: `${ai.url}/v1`,
        OPENAI_API_KEY: "sk-test-next-example-key"
      },
      stdio: ["ignore", "pipe", "inherit"]
    })
    await new Promise<void>((resolve, reject) => {
      next.once("exit", (code) => reject(new Error(`next start exited with ${code}`)))
      next.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("Ready") && resolve())
    })
    const call = async (name: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${url}${path}`, init)
      const text = await response.text()
      responses.set(name, { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text })
    }
    await call("data", "/api/data")
    await call("data with parent", "/api/data?org=org-2", { headers: { traceparent: `00-${TRACE_ID}-${UPSTREAM_SPAN}-01` } })
    await call("chat", "/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json", "x-user-id": "user-123" },
      body: JSON.stringify({ messages: [{ role: "user", content: "What is tracing?" }] })
    })
    await call("user", "/api/users/2")
    await call("missing user", "/api/users/99")
    // Wait until the last request's server span arrived, then one more batch interval.
    const deadline = Date.now() + 15_000
    while (serverSpans().length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    await new Promise((resolve) => setTimeout(resolve, 300))
  }, 240_000)

  afterAll(async () => {
    if (next !== undefined && next.exitCode === null) {
      const exited = once(next, "exit")
      next.kill("SIGTERM")
      await exited
    }
    await Promise.all([receiver?.close(), upstream?.close(), ai?.close()])
  })

  const serverSpans = () => receiver.spans.filter((span) => span.scope.name === "@blipee/tracing" && span.kind === SERVER)
  const ourServerSpan = (route: string, index = 0) => serverSpans().filter((span) => span.attributes["http.route"] === route)[index]!
  const traceOf = (span: ReceivedSpan) => receiver.spans.filter((other) => other.traceId === span.traceId)
  const childrenOf = (span: ReceivedSpan) => receiver.spans.filter((other) => other.parentSpanId === span.spanId)
  const descendantsOf = (span: ReceivedSpan): Array<ReceivedSpan> =>
    childrenOf(span).flatMap((child) => [child, ...descendantsOf(child)])

  it("answers every request as the app means to", () => {
    expect(responses.get("data")).toMatchObject({ status: 200, body: { users: [{ name: "Ada" }, { name: "Grace" }], rates: { base: "EUR" } } })
    expect(responses.get("data with parent")).toMatchObject({ status: 200, body: { users: [{ name: "Linus" }] } })
    expect(responses.get("chat")!.status).toBe(200)
    expect(responses.get("chat")!.body.answer).toEqual(expect.any(String))
    expect(responses.get("user")).toMatchObject({ status: 200, body: { id: 2, name: "Grace" } })
    expect(responses.get("missing user")!.status).toBe(404)
  })

  it("makes one trace per request, our server span nested under Next.js's own", () => {
    const ours = serverSpans()
    expect(ours).toHaveLength(5)
    expect(new Set(ours.map((span) => span.traceId)).size).toBe(5)
    for (const span of ours) {
      const spans = traceOf(span)
      const roots = spans.filter((other) => other.parentSpanId === undefined || !spans.some((s) => s.spanId === other.parentSpanId))
      expect(roots).toHaveLength(1)
      expect(roots[0]!.scope.name).toBe("next.js")
      const parent = spans.find((other) => other.spanId === span.parentSpanId)!
      expect(parent.scope.name).toBe("next.js")
      expect(span.resource["service.name"]).toBe("next-app")
    }
  })

  it("names the server span by route template and records its status", () => {
    const data = ourServerSpan("/api/data")
    expect(data.name).toBe("GET /api/data")
    expect(data.attributes["http.response.status_code"]).toBe(200)
    const user = ourServerSpan("/api/users/[id]")
    expect(user.name).toBe("GET /api/users/[id]")
    expect(user.attributes["url.path"]).toBe("/api/users/2")
    expect(serverSpans().some((span) => span.name.includes("/api/users/2"))).toBe(false)
    const missing = ourServerSpan("/api/users/[id]", 1)
    expect(missing.attributes["http.response.status_code"]).toBe(404)
    // notFound() is Next's control flow, not a failure.
    expect(missing.status.code).not.toBe(2)
  })

  it("records the children of each traced call", () => {
    const data = descendantsOf(ourServerSpan("/api/data"))
    const service = data.find((span) => span.name === "DataService.fetchData")!
    expect(service).toBeDefined()
    const query = data.find((span) => span.attributes["db.system.name"] === "postgresql" || span.attributes["db.query.text"] !== undefined)!
    expect(query.attributes["db.query.text"]).toBe("SELECT id, name FROM users WHERE organization_id = $1 ORDER BY id")
    expect(descendantsOf(service)).toContain(query)
    const fetchSpan = data.find((span) => span.kind === CLIENT && span.attributes["url.full"] !== undefined)!
    expect(fetchSpan.attributes["url.full"]).toBe(`${upstream.url}/rates?base=EUR`)
    expect(fetchSpan.attributes["http.response.status_code"]).toBe(200)

    const chat = descendantsOf(ourServerSpan("/api/chat")).find((span) => span.attributes["gen_ai.operation.name"] === "chat")!
    expect(chat.name).toBe("chat gpt-4o-mini")
    expect(chat.attributes["gen_ai.usage.input_tokens"]).toEqual(expect.any(Number))
    expect(chat.attributes["gen_ai.usage.output_tokens"]).toEqual(expect.any(Number))
    expect(Buffer.concat(receiver.requests.map((request) => request.raw)).toString("latin1")).not.toContain("sk-test-next-example-key")
  })

  it("honours an incoming traceparent", () => {
    const span = serverSpans().find((other) => other.traceId === TRACE_ID)!
    expect(span.attributes["http.route"]).toBe("/api/data")
    const root = traceOf(span).find((other) => other.parentSpanId === UPSTREAM_SPAN)!
    expect(root.scope.name).toBe("next.js")
    expect(root.kind).toBe(SERVER)
  })
})
