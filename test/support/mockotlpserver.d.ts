// The package ships JavaScript only; this declares the part the tests use.
declare module "@elastic/mockotlpserver" {
  export class MockOtlpServer {
    constructor(options: {
      logLevel?: string
      services?: Array<"http" | "grpc" | "ui">
      httpHostname?: string
      httpPort?: number
      onTrace?: (trace: unknown) => void
      onMetrics?: (metrics: unknown) => void
      onRequest?: (request: { headers: import("node:http").IncomingHttpHeaders; path?: string }) => void
    })
    httpUrl: URL | string | null
    start(): Promise<void>
    close(): Promise<void>
  }
}
