/**
 * The demo (`npm start`): a small service on its embedded defaults, traced end to end.
 *
 * It starts an HTTP server on 127.0.0.1 whose routes are wrapped in `withTracing`:
 * - `GET /api/users`: `DbClient` on PGlite, seeded at start (`DATABASE_URL` switches to a server);
 * - `POST /api/chat`: `AiClient` against a local OpenAI-compatible server, behind a semantic cache
 *   (the second identical question is a cache hit);
 * - `GET /api/forecast`: `traceApiClient` calling a local weather stand-in, retried once on 503;
 * - `POST /api/train`: `traceMLOperation` with progress events;
 * - `GET /api/fail`: fails on purpose.
 * It sends a scripted set of requests to itself (some with an upstream `traceparent` and
 * baggage), prints every trace as a waterfall (`OTEL_TRACES_EXPORTER=console`), and exits;
 * `npm start -- --serve` keeps it running. With `OTEL_EXPORTER_OTLP_ENDPOINT` set it exports
 * over OTLP instead.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { hashingEmbedding, makeMemoryCache, traceMLOperation, withSemanticCache } from "../src/entries/ai.js"
import { AiClient, DbClient, initTracing, runTraced, shutdownTracing, traceAsync, TracedHttpClient } from "../src/index.js"
import { startAiStandIn } from "./aiStandIn.js"
import { closeServer, serveWebHandler } from "./webServer.js"
import { baggage } from "../src/entries/propagation.js"
import { traceApiClient, traceFetch } from "../src/entries/http.js"
import { withTracing } from "../src/entries/middleware.js"

const serve = process.argv.includes("--serve")
const otlpConfigured = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
initTracing({
  serviceName: process.env.OTEL_SERVICE_NAME ?? "blipee-demo",
  // The environment decides when it says something; otherwise the terminal waterfall.
  ...(process.env.OTEL_TRACES_EXPORTER ? {} : { exporters: [otlpConfigured ? "otlp" : "console"] })
})

// Stand-ins for the outside world: an OpenAI-compatible model server and a weather API whose
// first answer per city is a 503.
const ai = await startAiStandIn()
const weatherCalls = new Map<string, number>()
const weather = http.createServer((req, res) => {
  const city = new URL(req.url ?? "/", "http://localhost").searchParams.get("city") ?? "Lisbon"
  const calls = (weatherCalls.get(city) ?? 0) + 1
  weatherCalls.set(city, calls)
  res.writeHead(calls === 1 ? 503 : 200, { "content-type": "application/json" })
  res.end(calls === 1 ? "{\"error\":\"warming up\"}" : JSON.stringify({ city, forecast: "sunny", high: 24 }))
})
await new Promise<void>((resolve) => weather.listen(0, "127.0.0.1", resolve))
const weatherUrl = `http://127.0.0.1:${(weather.address() as AddressInfo).port}`

// The application's Effect services, built once.
const services = ManagedRuntime.make(Layer.mergeAll(
  process.env.DATABASE_URL ? DbClient.layerPg({ connectionString: process.env.DATABASE_URL }) : DbClient.layerPglite(),
  AiClient.layer({ provider: "openai", baseUrl: `${ai.url}/v1`, apiKey: "demo-key" }).pipe(Layer.provide(TracedHttpClient.layerFetch()))
).pipe(Layer.orDie))
const context = await services.runtime().then((runtime) => runtime.context)
/** Runs app code (which needs DbClient, AiClient) in the current trace. */
const run = <A, E>(effect: Effect.Effect<A, E, DbClient | AiClient>) => runTraced(Effect.provide(effect, context))

await traceAsync("seed demo data", () =>
  run(Effect.gen(function*() {
    const db = yield* DbClient
    yield* db.query("CREATE TABLE IF NOT EXISTS demo_users (id int PRIMARY KEY, name text NOT NULL, organization_id text NOT NULL)")
    yield* db.query("INSERT INTO demo_users VALUES (1, 'Ana', 'org-456'), (2, 'Bo', 'org-456'), (3, 'Cy', 'org-789') ON CONFLICT DO NOTHING")
  })))

const cache = makeMemoryCache({ embed: hashingEmbedding(), threshold: 0.9 })
const json = (value: unknown, status = 200) => Response.json(value, { status })

const routes: Record<string, (request: Request) => Promise<Response>> = {
  "GET /api/users": withTracing(async (request) => {
    const organizationId = new URL(request.url).searchParams.get("org") ?? "org-456"
    const rows = await run(Effect.flatMap(DbClient, (db) =>
      db.query("SELECT id, name FROM demo_users WHERE organization_id = $1 ORDER BY id", [organizationId], { table: "demo_users" })))
    return json(rows)
  }, { route: "/api/users", tenant: (request) => ({ organizationId: new URL(request.url).searchParams.get("org") ?? "org-456" }) }),

  "POST /api/chat": withTracing(async (request) => {
    const { question } = await request.json() as { question: string }
    const answer = await run(Effect.flatMap(AiClient, (client) =>
      withSemanticCache(cache)(client).chatCompletion({ model: "gpt-4o-mini", messages: [{ role: "user", content: question }], maxTokens: 100 })))
    return json({ answer: answer.content, cached: answer.finishReasons.includes("cache_hit") })
  }, { route: "/api/chat" }),

  "GET /api/forecast": withTracing(async (request) => {
    const city = new URL(request.url).searchParams.get("city") ?? "Lisbon"
    const forecast = await traceApiClient("weather-service", "get-forecast", async () => {
      for (let attempt = 1; ; attempt++) {
        const response = await traceFetch(`${weatherUrl}/forecast?city=${encodeURIComponent(city)}`)
        if (response.status !== 503 || attempt === 2) return response.json()
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }, { method: "GET", endpoint: "/forecast", params: { city } })
    return json(forecast)
  }, { route: "/api/forecast" }),

  "POST /api/train": withTracing(async () => {
    const model = await traceMLOperation("train", "energy_prediction", async (progress) => {
      let loss = 1
      for (let epoch = 1; epoch <= 3; epoch++) {
        await new Promise((resolve) => setTimeout(resolve, 5))
        loss /= 2
        progress({ epoch, loss })
      }
      return { metrics: { loss, accuracy: 0.93 } }
    }, { datasetSize: 10000, features: 50, epochs: 3, batchSize: 32 })
    return json(model)
  }, { route: "/api/train" }),

  "GET /api/fail": withTracing(async () => {
    baggage.set("failure.reason", "on-purpose")
    throw new Error("this route fails on purpose")
  }, { route: "/api/fail", onError: () => json({ error: "failed on purpose" }, 500) })
}

const server = await serveWebHandler(async (request) => {
  const route = routes[`${request.method} ${new URL(request.url).pathname}`]
  return route ? route(request) : json({ error: "not found" }, 404)
}, serve ? Number(process.env.PORT ?? 3000) : 0)

const call = async (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
  })
  return `${method} ${path} → ${response.status} ${await response.text()}`
}

if (serve) {
  console.log(`demo listening on ${server.url} (routes: ${Object.keys(routes).join(", ")}); Ctrl-C to stop`)
} else {
  const upstream = {
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    tracestate: "congo=t61rcWkgMzE",
    baggage: "user.id=user-123,tenant.id=tenant-456"
  }
  const results = [
    await call("GET", "/api/users?org=org-456", { headers: upstream }),
    await call("POST", "/api/chat", { body: { question: "What is the weather in Lisbon?" } }),
    await call("POST", "/api/chat", { body: { question: "What is the weather in Lisbon?" } }),
    await call("GET", "/api/forecast?city=Lisbon"),
    await call("POST", "/api/train"),
    await call("GET", "/api/fail")
  ]
  await shutdownTracing()
  console.log(results.join("\n"))
  await server.close()
  await services.dispose()
  await ai.close()
  await closeServer(weather)
}
