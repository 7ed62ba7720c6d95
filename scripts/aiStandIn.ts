/**
 * A local stand-in for OpenAI's Chat Completions API (`POST /v1/chat/completions`) and
 * Anthropic's Messages API (`POST /v1/messages`), JSON and streaming (server-sent events), for
 * the demo and the tests. It answers deterministically: the reply echoes the last user message.
 *
 * Models that misbehave on purpose: `*-rate-limited` (429 with `retry-after: 1`), `*-broken`
 * (500), `*-slow` (the first token after 300 ms).
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { closeServer } from "./webServer.js"

export interface AiStandIn {
  readonly url: string
  /** The request bodies received, in order. */
  readonly requests: Array<{ readonly path: string; readonly headers: http.IncomingHttpHeaders; readonly body: any }>
  readonly close: () => Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const words = (text: string) => text.split(/\s+/).filter(Boolean)

const lastUserText = (messages: Array<any>): string => {
  const last = [...(messages ?? [])].reverse().find((message) => message?.role === "user")
  const content = last?.content
  return typeof content === "string" ? content : Array.isArray(content) ? content.map((part: any) => part?.text ?? "").join(" ") : ""
}

const misbehave = (model: string, res: http.ServerResponse, shape: "openai" | "anthropic"): boolean => {
  const error = (status: number, type: string, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers })
    res.end(JSON.stringify(shape === "openai" ? { error: { message, type, code: type } } : { type: "error", error: { type, message } }))
    return true
  }
  if (model.endsWith("-rate-limited")) return error(429, "rate_limit_exceeded", "Rate limit reached", { "retry-after": "1" })
  if (model.endsWith("-broken")) return error(500, "server_error", "The server had an error")
  return false
}

const sse = (res: http.ServerResponse) => {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" })
  return (data: unknown, event?: string) => res.write(`${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`)
}

const openaiChat = async (body: any, res: http.ServerResponse) => {
  const model = String(body.model ?? "gpt-4")
  if (misbehave(model, res, "openai")) return
  const reply = `Echo: ${lastUserText(body.messages)}`
  const id = `chatcmpl-${Date.now().toString(36)}`
  const created = Math.floor(Date.now() / 1000)
  const usage = { prompt_tokens: words(lastUserText(body.messages)).length + 5, completion_tokens: words(reply).length }
  const firstDelay = model.endsWith("-slow") ? 300 : 0
  if (body.stream !== true) {
    await sleep(firstDelay)
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({
      id, object: "chat.completion", created, model,
      choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }
    }))
    return
  }
  const send = sse(res)
  await sleep(firstDelay)
  const chunk = (delta: object, finish_reason: string | null) => ({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason }] })
  send(chunk({ role: "assistant", content: "" }, null))
  for (const [i, word] of words(reply).entries()) {
    if (res.destroyed) return
    send(chunk({ content: i === 0 ? word : ` ${word}` }, null))
    await sleep(5)
  }
  send(chunk({}, "stop"))
  if (body.stream_options?.include_usage === true) {
    send({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })
  }
  send("[DONE]")
  res.end()
}

const anthropicMessages = async (body: any, res: http.ServerResponse) => {
  const model = String(body.model ?? "claude-3-5-sonnet")
  if (misbehave(model, res, "anthropic")) return
  const reply = `Echo: ${lastUserText(body.messages)}`
  const id = `msg_${Date.now().toString(36)}`
  const inputTokens = words(lastUserText(body.messages)).length + 5
  if (body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({
      id, type: "message", role: "assistant", model, content: [{ type: "text", text: reply }],
      stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: words(reply).length }
    }))
    return
  }
  const send = sse(res)
  send({ type: "message_start", message: { id, type: "message", role: "assistant", model, content: [], usage: { input_tokens: inputTokens, output_tokens: 0 } } }, "message_start")
  send({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start")
  for (const [i, word] of words(reply).entries()) {
    send({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: i === 0 ? word : ` ${word}` } }, "content_block_delta")
    await sleep(5)
  }
  send({ type: "content_block_stop", index: 0 }, "content_block_stop")
  send({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: words(reply).length } }, "message_delta")
  send({ type: "message_stop" }, "message_stop")
  res.end()
}

/**
 * @example
 * ```ts
 * const ai = await startAiStandIn()
 * const openai = new OpenAI({ baseURL: `${ai.url}/v1`, apiKey: "test" })
 * ```
 */
export const startAiStandIn = async (port = 0): Promise<AiStandIn> => {
  const requests: AiStandIn["requests"] = []
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      let body: any
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}")
      } catch {
        res.writeHead(400, { "content-type": "application/json" })
        return res.end(JSON.stringify({ error: { message: "invalid JSON", type: "invalid_request_error" } }))
      }
      const path = new URL(req.url ?? "/", "http://localhost").pathname
      requests.push({ path, headers: req.headers, body })
      const handle = path === "/v1/chat/completions" ? openaiChat : path === "/v1/messages" ? anthropicMessages : undefined
      if (req.method !== "POST" || handle === undefined) {
        res.writeHead(404, { "content-type": "application/json" })
        return res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}`, type: "not_found" } }))
      }
      handle(body, res).catch(() => res.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => closeServer(server)
  }
}
