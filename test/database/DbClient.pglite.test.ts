import { PGlite } from "@electric-sql/pglite"
import { afterAll, beforeAll, describe } from "vitest"
import { DbClient } from "../../src/index.js"
import { dbClientSuite } from "./dbClientSuite.js"

// PGlite's first start costs seconds and hundreds of MiB: one instance for the file.
let instance: PGlite
beforeAll(async () => {
  instance = await PGlite.create()
}, 60_000)
afterAll(() => instance.close())

describe("DbClient on PGlite", () => {
  dbClientSuite(() => DbClient.layerPglite({ instance }), "pglite_users")
})
