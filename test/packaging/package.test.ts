import { execFile } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../", import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"))

describe("the built package", () => {
  it("maps every export to built ESM JavaScript and declarations", () => {
    for (const [subpath, target] of Object.entries<any>(pkg.exports)) {
      if (typeof target === "string") continue
      expect(existsSync(`${root}${target.import}`), `${subpath} → ${target.import} (run npm run build)`).toBe(true)
      expect(existsSync(`${root}${target.types}`), `${subpath} → ${target.types}`).toBe(true)
    }
  })

  it("is importable from plain JavaScript by its name", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [`${root}test/packaging/consumer.mjs`], {
      env: { PATH: process.env.PATH ?? "" }
    })
    expect(JSON.parse(stdout)).toEqual({
      value: 42,
      root: "outer",
      children: ["inner"],
      layers: ["function", "object", "object"],
      forwardedTrace: "4bf92f3577b34da6a3ce929d0e0e4736"
    })
  })
})
