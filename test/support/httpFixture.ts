/**
 * A real HTTP server on 127.0.0.1 for the client tests: it records what each request carried
 * and answers by path.
 *
 * - `/ok`: 200 with JSON; `/redirect`: 302 to `/ok`; `/missing`: 404; `/error`: 500
 * - `/flaky?key=K&fail=N`: 503 for the first N requests with key K, then 200
 * - `/hang`: never answers; `/stream`: a chunked body sent over time
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { closeServer } from "../../scripts/webServer.js"

export interface ReceivedCall {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
}

export interface HttpFixture {
  readonly url: string
  readonly calls: Array<ReceivedCall>
  readonly close: () => Promise<void>
}

export const startHttpFixture = async (): Promise<HttpFixture> => {
  const calls: Array<ReceivedCall> = []
  const flaky = new Map<string, number>()
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    calls.push({ method: req.method ?? "", path: url.pathname, headers: req.headers })
    switch (url.pathname) {
      case "/ok":
        res.writeHead(200, { "content-type": "application/json", "x-request-id": "req-1" })
        return res.end(JSON.stringify({ ok: true }))
      case "/redirect":
        res.writeHead(302, { location: "/ok" })
        return res.end()
      case "/missing":
        res.writeHead(404)
        return res.end("not found")
      case "/error":
        res.writeHead(500)
        return res.end("boom")
      case "/flaky": {
        const key = url.searchParams.get("key") ?? ""
        const seen = (flaky.get(key) ?? 0) + 1
        flaky.set(key, seen)
        res.writeHead(seen <= Number(url.searchParams.get("fail") ?? 1) ? 503 : 200)
        return res.end(String(seen))
      }
      case "/hang":
        return
      case "/stream": {
        res.writeHead(200, { "content-type": "text/plain" })
        let sent = 0
        const timer = setInterval(() => {
          res.write(`chunk-${sent++}\n`)
          if (sent === 5) {
            clearInterval(timer)
            res.end()
          }
        }, 5)
        return
      }
      default:
        res.writeHead(404)
        res.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => closeServer(server)
  }
}

/** A port nothing listens on: connections to it are refused. */
export const refusedPort = async (): Promise<number> => {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
