import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { describe } from "vitest"
import { DbClient } from "../../src/index.js"
import { refusedPort } from "../support/httpFixture.js"
import { serverAvailable, serverConfig } from "../support/postgres.js"
import { dbClientSuite } from "./dbClientSuite.js"

const available = await serverAvailable()

describe.runIf(available)("DbClient on the PostgreSQL server", () => {
  dbClientSuite(() => DbClient.layerPg(serverConfig), "pg_users")
})

it.live("fails with DbConnectionError when the server refuses connections", () =>
  Effect.gen(function*() {
    const port = yield* Effect.promise(refusedPort)
    const result = yield* Effect.either(
      Effect.flatMap(DbClient, (db) => db.query("SELECT 1")).pipe(
        Effect.provide(DbClient.layerPg({ host: "127.0.0.1", port, connectionTimeoutMillis: 2_000 }))
      )
    )
    expect(result._tag === "Left" && result.left._tag).toBe("DbConnectionError")
  }))
