/**
 * The PostgreSQL 15 server `.ci/run` starts: reached over its Unix socket, database
 * `blipee_test`. CI must have it; elsewhere its tests are skipped, with a message, when no
 * server answers.
 */
import { userInfo } from "node:os"
import pg from "pg"

export const serverConfig = {
  host: process.env.PGHOST ?? "/var/run/postgresql",
  database: process.env.PGDATABASE ?? "blipee_test",
  // Peer authentication: the role is this process's user (node-postgres reads only $USER).
  user: process.env.PGUSER ?? userInfo().username
}

export const serverAvailable = async (): Promise<boolean> => {
  const client = new pg.Client(serverConfig)
  try {
    await client.connect()
    await client.end()
    return true
  } catch (error) {
    if (process.env.CI) throw new Error(`CI needs the PostgreSQL server (.ci/run starts it): ${String(error)}`)
    console.warn(`PostgreSQL server not reachable at ${serverConfig.host}: its tests are skipped (bash .ci/run starts one)`)
    return false
  }
}
