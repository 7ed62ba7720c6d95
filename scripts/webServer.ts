/**
 * Serves a Web-standard handler `(Request) => Response` on 127.0.0.1 with node:http, the way
 * Next.js, Hono or an adapter would hand requests to it.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/**
 * Stops a server now: open keep-alive connections are closed too, so `close` does not wait for
 * clients to go away.
 *
 * @example
 * ```ts
 * await closeServer(server)
 * ```
 */
export const closeServer = (server: http.Server): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.closeAllConnections()
    server.close((error) => (error ? reject(error) : resolve()))
  })

export interface WebServer {
  readonly url: string
  readonly close: () => Promise<void>
}

const toRequest = (req: http.IncomingMessage, origin: string, body: Buffer): Request => {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const method = req.method ?? "GET"
  return new Request(new URL(req.url ?? "/", origin), {
    method,
    headers,
    ...(method === "GET" || method === "HEAD" ? {} : { body: new Uint8Array(body) })
  })
}

/**
 * @example
 * ```ts
 * const server = await serveWebHandler(withTracing(handler))
 * await fetch(`${server.url}/api/data`)
 * await server.close()
 * ```
 */
export const serveWebHandler = async (
  handler: (request: Request) => Response | Promise<Response>,
  port = 0
): Promise<WebServer> => {
  let origin = ""
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", async () => {
      let response: Response
      try {
        response = await handler(toRequest(req, origin, Buffer.concat(chunks)))
      } catch (error) {
        res.writeHead(500)
        return res.end(String(error))
      }
      res.writeHead(response.status, Object.fromEntries(response.headers))
      if (response.body === null) return res.end()
      // Streamed as it comes, as Next.js sends a route's body; a client that goes away cancels it.
      const reader = response.body.getReader()
      res.once("close", () => {
        if (!res.writableFinished) reader.cancel().catch(() => undefined)
      })
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) res.write(next.value)
        res.end()
      } catch (error) {
        res.destroy(error as Error)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    close: () => closeServer(server)
  }
}
