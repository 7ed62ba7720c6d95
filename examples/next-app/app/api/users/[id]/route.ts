import { notFound } from "next/navigation"
import { type NextRequest, NextResponse } from "next/server"
import { userById } from "@/lib/db"
import { withTracing } from "@/middleware/tracing"

// The span is named after the file-system route (GET /api/users/[id]), never the raw path.
export const GET = withTracing(async (_request: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params
  const user = await userById(Number(id))
  if (user === undefined) notFound()
  return NextResponse.json(user)
})
