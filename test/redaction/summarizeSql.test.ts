import { describe, expect, it } from "vitest"
import { summarizeSql } from "../../src/redaction/summarizeSql.js"

describe("summarizeSql", () => {
  it.each([
    ["SELECT * FROM users WHERE organization_id = $1", "SELECT users", "SELECT", "users"],
    ["INSERT INTO orders (a, b) VALUES ($1, $2)", "INSERT orders", "INSERT", "orders"],
    ["SELECT * FROM users u JOIN orders o ON o.user_id = u.id", "SELECT users orders", "SELECT", undefined],
    ["SELECT * FROM users u, orders o WHERE u.id = o.user_id", "SELECT users orders", "SELECT", undefined],
    ["WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN users ON true", "SELECT orders users", "SELECT", undefined],
    ["UPDATE public.users SET name = $1", "UPDATE public.users", "UPDATE", "public.users"],
    ["DELETE FROM sessions WHERE expires < now()", "DELETE sessions", "DELETE", "sessions"],
    ["CREATE TABLE IF NOT EXISTS audit_log (id serial)", "CREATE TABLE audit_log", "CREATE TABLE", "audit_log"],
    ["SELECT * FROM generate_series(1, 10)", "SELECT", "SELECT", undefined],
    ["select count(*) from users", "SELECT users", "SELECT", "users"],
    ["TRUNCATE TABLE logs", "TRUNCATE logs", "TRUNCATE", "logs"],
    ["BEGIN; SELECT * FROM a; COMMIT", "BEGIN; SELECT a; COMMIT", undefined, undefined]
  ])("%s → %s", (sql, summary, operation, collection) => {
    expect(summarizeSql(sql)).toEqual({ summary, operationName: operation, collectionName: collection })
  })

  it("keeps the summary under 255 characters", () => {
    const sql = Array.from({ length: 100 }, (_, i) => `SELECT * FROM table_number_${i}`).join("; ")
    expect(summarizeSql(sql).summary.length).toBe(255)
  })
})
