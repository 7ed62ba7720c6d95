/**
 * A Prisma client extension that traces every model operation, for `prisma.$extends(...)`.
 *
 * @since 0.1.0
 */
import { tracePrismaOperation } from "./database.js"

interface PrismaOperationParams {
  readonly model?: string
  readonly operation: string
  readonly args: unknown
  readonly query: (args: unknown) => PromiseLike<unknown>
}

/**
 * Every model operation becomes a CLIENT span `{action} {Model}` (`findMany User`) with
 * `db.operation.name`, `db.collection.name` and the shape of its arguments (keys, never
 * values). Prisma's own `@prisma/instrumentation` spans, when registered, nest inside it.
 *
 * @example
 * ```ts
 * const prisma = new PrismaClient({ adapter }).$extends(prismaTracing())
 * await prisma.user.findMany({ where: { organizationId } }) // span "findMany User"
 * ```
 */
export const prismaTracing = () => ({
  name: "@blipee/tracing",
  query: {
    $allModels: {
      $allOperations: ({ model, operation, args, query }: PrismaOperationParams): Promise<unknown> =>
        tracePrismaOperation(model ?? "unknown", operation, () => query(args), args)
    }
  }
})
