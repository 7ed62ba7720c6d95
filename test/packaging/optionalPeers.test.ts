import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, it } from "vitest"

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

it("a layer whose optional package is not installed fails with a MissingPackageError naming it and the install command", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", fixture("hidePackages.mjs"), "--import", "tsx", fixture("missingPackages.ts")],
    { timeout: 60_000 }
  )
  const result = JSON.parse(stdout)
  expect(result.facade).toBe("ok")
  expect(result.pg).toEqual({
    tag: "MissingPackageError",
    packageName: "pg",
    message: `DbClient.layerPg needs the optional package "pg", which is not installed: npm i pg`
  })
  expect(result.pglite).toEqual({
    tag: "MissingPackageError",
    packageName: "@electric-sql/pglite",
    message: `DbClient.layerPglite needs the optional package "@electric-sql/pglite", which is not installed: npm i @electric-sql/pglite`
  })
  expect(result.node).toEqual({
    tag: "MissingPackageError",
    packageName: "@effect/platform-node",
    message: `TracedHttpClient.layerNode needs the optional package "@effect/platform-node", which is not installed: npm i @effect/platform-node`
  })
}, 90_000)

it("the facade (import, initTracing, traceAsync, withTracing) loads neither @effect/platform nor an optional peer", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", fixture("hidePackages.mjs"), fixture("facadeOnly.mjs")],
    {
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? "", BLIPEE_HIDE_PACKAGES: "@effect/platform,@effect/platform-node,pg,@electric-sql/pglite,undici" }
    }
  )
  expect(JSON.parse(stdout)).toEqual({ traced: "ok", status: 200 })
}, 90_000)
