import { Trace } from "@/lib/tracing"
import { traceFetch } from "@/lib/tracing/http-tracing"
import { usersOf } from "@/lib/db"

/** The data behind GET /api/data: users from the database, rates from an upstream API. */
export class DataService {
  @Trace("DataService.fetchData")
  async fetchData(orgId: string) {
    const [users, rates] = await Promise.all([usersOf(orgId), this.rates()])
    return { users, rates }
  }

  @Trace()
  async rates(): Promise<unknown> {
    const upstream = process.env.UPSTREAM_URL
    if (upstream === undefined) return null
    const response = await traceFetch(`${upstream}/rates?base=EUR`)
    return response.json()
  }
}

export const dataService = new DataService()
