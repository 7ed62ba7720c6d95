import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { withOperationSpan, type OperationSpan } from "../../src/services/operationSpan.js"
import { layerTest, TestSpans } from "../../src/entries/testing.js"

const operation: OperationSpan = {
  name: "op",
  kind: "client",
  attributes: { start: 1 },
  onResult: (result) => ({ result: String(result) }),
  onFailure: (error) => ({ failure: error instanceof Error ? error.message : String(error) }),
  onInterrupt: () => ({ interrupted: true })
}
const onlySpan = Effect.map(Effect.flatMap(TestSpans, (spans) => spans.all), (all) => {
  expect(all).toHaveLength(1)
  return all[0]!
})

describe("withOperationSpan", () => {
  it.effect("adds what the result says", () =>
    Effect.gen(function*() {
      yield* Effect.succeed(42).pipe(withOperationSpan(operation))
      expect((yield* onlySpan).attributes).toEqual({ start: 1, result: "42" })
    }).pipe(Effect.provide(layerTest())))

  it.effect("reads a typed failure through `underlying`, and a defect as it is", () =>
    Effect.gen(function*() {
      const wrapped = { cause: new Error("driver said no") }
      yield* Effect.ignore(Effect.fail(wrapped).pipe(withOperationSpan(operation, (error: typeof wrapped) => error.cause)))
      expect((yield* onlySpan).attributes).toMatchObject({ failure: "driver said no" })
      yield* (yield* TestSpans).reset
      yield* Effect.exit(Effect.die(new Error("bug")).pipe(withOperationSpan(operation)))
      expect((yield* onlySpan).attributes).toMatchObject({ failure: "bug" })
    }).pipe(Effect.provide(layerTest())))

  it.live("adds what an interruption says", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.never.pipe(withOperationSpan(operation)))
      yield* Effect.sleep(5)
      yield* Fiber.interrupt(fiber)
      expect((yield* onlySpan).attributes).toMatchObject({ start: 1, interrupted: true, "status.interrupted": true })
    }).pipe(Effect.provide(layerTest())))
})
