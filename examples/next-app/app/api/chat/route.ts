import { type NextRequest, NextResponse } from "next/server"
import { traceAIChatCompletion } from "@/lib/tracing/ai-tracing"
import { withTracing } from "@/middleware/tracing"

interface ChatBody {
  readonly messages: ReadonlyArray<{ readonly role: string; readonly content: string }>
}

/** An OpenAI-compatible Chat Completions call (OPENAI_BASE_URL points at any such server). */
export const POST = withTracing(async (request: NextRequest) => {
  const { messages } = (await request.json()) as ChatBody
  const baseUrl = process.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1"
  const response = await traceAIChatCompletion(
    "openai",
    "gpt-4o-mini",
    async () => {
      const reply = await fetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${process.env.OPENAI_API_KEY ?? ""}` },
        body: JSON.stringify({ model: "gpt-4o-mini", messages, max_tokens: 200 })
      })
      if (!reply.ok) throw new Error(`chat completion failed with ${reply.status}`)
      return reply.json()
    },
    { messages: messages.length, maxTokens: 200, userId: request.headers.get("x-user-id") ?? undefined }
  )
  return NextResponse.json({ answer: response.choices[0]?.message?.content ?? "" })
})
