import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, it } from "vitest"

const root = fileURLToPath(new URL("../", import.meta.url))

it("npm start's demo serves its routes on its embedded defaults and prints each trace as a waterfall", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    timeout: 120_000
  })
  const blocks = stdout.split("\n\n")
  const trace = (root: string) => {
    const found = blocks.filter((block) => block.includes(`\n  ${root} `))
    // The whole output in the message: a missing trace is then diagnosable from the CI log.
    expect(found.length, `a trace rooted at ${root} in the demo's output:\n${stdout}`).toBeGreaterThan(0)
    return found
  }
  const [users] = trace("GET /api/users")
  // The upstream traceparent was continued.
  expect(users).toMatch(/^trace 4bf92f3577b34da6a3ce929d0e0e4736 /)
  expect(users).toMatch(/^ {4}SELECT demo_users .* client {2}ok {2}sql=SELECT demo_users$/m)
  const [firstChat, secondChat] = trace("POST /api/chat")
  expect(firstChat).toMatch(/^ {4}cache\.lookup .*hit=false$/m)
  expect(firstChat).toMatch(/^ {4}chat gpt-4o-mini .*model=gpt-4o-mini in=\d+ out=\d+$/m)
  expect(firstChat).toMatch(/^ {6}POST .*status=200$/m)
  expect(secondChat).toMatch(/^ {4}cache\.lookup .*hit=true$/m)
  expect(secondChat).not.toContain("chat gpt-4o-mini")
  const [forecast] = trace("GET /api/forecast")
  expect(forecast).toMatch(/^ {4}weather-service\.get-forecast /m)
  expect(forecast).toMatch(/^ {6}GET .*ERROR {2}status=503$/m)
  expect(forecast).toMatch(/^ {6}GET .*ok {2}status=200$/m)
  const [train] = trace("POST /api/train")
  expect(train).toMatch(/^ {4}ml\.train energy_prediction /m)
  const [fail] = trace("GET /api/fail")
  expect(fail).toMatch(/ERROR: this route fails on purpose {2}route=\/api\/fail status=500$/m)
  expect(stdout).not.toContain("\x1b[31m")
  expect(stdout).toContain("GET /api/fail → 500")
  // The demo starts PGlite and a server in a fresh process: slow on a loaded 2-core machine.
}, 120_000)
