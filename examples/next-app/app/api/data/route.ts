import { type NextRequest, NextResponse } from "next/server"
import { dataService } from "@/lib/dataService"
import { withTracing } from "@/middleware/tracing"

// Automatically traced
export const GET = withTracing(async (request: NextRequest) => {
  const data = await dataService.fetchData(request.nextUrl.searchParams.get("org") ?? "org-1")
  return NextResponse.json(data)
})
