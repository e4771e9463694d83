import type { UpdateRecord } from "../../infra/cutover/stepHistory";

export interface Weights {
  readonly users: number;
  readonly orders: number;
  readonly default: number;
}

const routes = (users: number, orders: number) =>
  JSON.stringify([
    { path: "/api/users", methods: ["GET"], weight: users },
    { path: "/api/orders", weight: orders },
  ]);

/**
 * A successful update of the platform stack as `pulumi stack history` records it: started at 12:`minute` on
 * 2030-01-01 (UTC), ended 20 s later, with the config of a two-route map at `weights`.
 */
export function update(
  version: number,
  minute: number,
  weights: Weights,
  extra: Partial<UpdateRecord> = {},
): UpdateRecord {
  return {
    version,
    kind: "update",
    result: "succeeded",
    startTime: new Date(Date.UTC(2030, 0, 1, 12, minute, 0)),
    endTime: new Date(Date.UTC(2030, 0, 1, 12, minute, 20)),
    message: "",
    environment: { "git.author": "Dana Dev" },
    config: {
      "migration:defaultWeight": String(weights.default),
      "migration:routes": routes(weights.users, weights.orders),
      "migration:maxStep": "50",
    },
    ...extra,
  };
}
