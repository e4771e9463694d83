import type { CreatedRow } from "./steadyLoad";

/** A row the e2e wrote, and the backend that wrote it. */
export interface WrittenRow extends CreatedRow {
  readonly writtenBy: "flask" | "fastapi";
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ id: number }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: number };
}

/**
 * Writes users and orders through each backend in turn (the override header picks it), so the data checks cover rows
 * either app wrote into the shared database.
 */
export async function writeRowsThroughBothApps(
  baseUrl: string,
  overrideHeader: string,
  perBackend: number,
): Promise<WrittenRow[]> {
  const rows: WrittenRow[] = [];
  for (const backend of ["flask", "fastapi"] as const) {
    const headers = { [overrideHeader]: backend };
    for (let index = 0; index < perBackend; index++) {
      const user = await post(
        `${baseUrl}/api/users`,
        { email: `seed-${backend}-${Date.now()}-${index}@e2e.test`, name: `Seed ${index}` },
        headers,
      );
      rows.push({ kind: "users", id: user.id, writtenBy: backend });
      const order = await post(
        `${baseUrl}/api/orders`,
        { user_id: user.id, item: `Seed ${index}`, quantity: 1, total_cents: 100 },
        headers,
      );
      rows.push({ kind: "orders", id: order.id, writtenBy: backend });
    }
  }
  return rows;
}

/** The rows that cannot be read back (anything but 200), reading a few at a time; empty when every row is there. */
export async function unreadableRows(
  baseUrl: string,
  rows: readonly CreatedRow[],
  headers: Record<string, string> = {},
): Promise<CreatedRow[]> {
  const missing: CreatedRow[] = [];
  const batch = 16;
  for (let start = 0; start < rows.length; start += batch) {
    await Promise.all(
      rows.slice(start, start + batch).map(async (row) => {
        const response = await fetch(`${baseUrl}/api/${row.kind}/${row.id}`, { headers });
        await response.arrayBuffer();
        if (response.status !== 200) missing.push(row);
      }),
    );
  }
  return missing;
}
