import { CliError } from "../../cli/cliError";
import { advance } from "../../cli/commands/advance";
import { canDecommission } from "../../cli/commands/canDecommission";
import { report } from "../../cli/commands/report";
import { rollback } from "../../cli/commands/rollback";
import { smoke, type SmokeOptions } from "../../cli/commands/smoke";
import { status } from "../../cli/commands/status";
import type { CutoverDeps, MigrationStack, SplitExpectation } from "../../cli/ports";
import { runCli, type Commands } from "../../cli/program";
import type { BackendFigures, MetricsReading } from "../../infra/cutover/routeFigures";
import type { UpdateRecord } from "../../infra/cutover/stepHistory";
import type { MigrationMap } from "../../infra/routing/route";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "./configs";
import { stackFileConfig } from "./stackConfig";

export const NOW = new Date("2030-01-01T12:00:00Z");
export const ROUTE_IDS = ["api-users-get-head", "api-orders-post-put-patch-delete", "default"];
const healthy: BackendFigures = {
  requestRate: 10,
  requestsInWindow: 3000,
  errorRatio: 0.001,
  latencyP99Seconds: 0.1,
  observedShare: 0.5,
};
const healthyMetrics: MetricsReading = {
  available: true,
  routes: Object.fromEntries(ROUTE_IDS.map((id) => [id, { flask: healthy, fastapi: healthy }])),
};

/** The dev stack as deployed 30 minutes ago, recording every call the commands make; `outputs` replace its own. */
export function fakeStack(
  overrides: {
    config?: Record<string, string>;
    deployedUsersWeight?: number;
    upError?: Error;
    outputs?: Record<string, unknown>;
  } = {},
) {
  const calls: Array<{ call: string; args: unknown[] }> = [];
  const config = overrides.config ?? stackFileConfig("Pulumi.dev.yaml");
  const deployed = snapshotOf(devPlatformConfig());
  const deployment: UpdateRecord = {
    version: 1,
    kind: "update",
    result: "succeeded",
    startTime: new Date(NOW.getTime() - 30 * 60_000),
    endTime: new Date(NOW.getTime() - 29 * 60_000),
    message: "",
    environment: {},
    config,
  };
  const stack: MigrationStack = {
    name: "dev",
    namespace: "migration",
    configValues: async () => config,
    outputs: async () => ({
      ingressUrl: "http://localhost:8080",
      prometheusUrl: "http://127.0.0.1:9090",
      migrationMap:
        overrides.deployedUsersWeight === undefined
          ? deployed
          : {
              ...deployed,
              routes: [{ ...deployed.routes[0], weight: overrides.deployedUsersWeight }, deployed.routes[1]],
            },
      ...overrides.outputs,
    }),
    history: async () => [deployment],
    setWeights: async (...args) => void calls.push({ call: "setWeights", args }),
    up: async (...args) => {
      calls.push({ call: "up", args: [args[0]] });
      if (overrides.upError) throw overrides.upError;
    },
    preview: async (...args) =>
      void calls.push({ call: "preview", args: [args[0].map((change) => `${change.target.id} ${change.to}`)] }),
  };
  return { stack, calls };
}

export function fakeDeps(stack: MigrationStack, metrics: MetricsReading = healthyMetrics) {
  const printed: string[] = [];
  const verified: Array<readonly SplitExpectation[]> = [];
  const writtenNow: MigrationMap[] = [];
  const deps: CutoverDeps = {
    openStack: async (name) => {
      if (name !== "dev") throw new CliError(`unknown stack "${name}" in backend file:///state; stacks there: dev`);
      return stack;
    },
    readMetrics: async () => metrics,
    verifySplit: async (_url, expectations) => {
      verified.push(expectations);
      return {
        converged: true,
        seconds: 1.2,
        routes: expectations.map((expectation) => ({
          routeId: expectation.routeId,
          expectedWeight: expectation.weight,
        })),
      };
    },
    publishRoutingNow: async (_stack, _config, map) => {
      writtenNow.push(map);
    },
    currentUser: () => "alice",
    now: () => NOW,
    print: (text) => void printed.push(text),
    progress: () => undefined,
  };
  return { deps, printed, verified, writtenNow };
}

/**
 * Runs the CLI on the fakes and returns the exit code with everything written to stdout and stderr; `smoke` reaches
 * the ingress through `smokeOptions.fetchImpl`.
 */
export async function cli(
  argv: string[],
  stack: MigrationStack = fakeStack().stack,
  metrics?: MetricsReading,
  smokeOptions?: Partial<SmokeOptions>,
) {
  const { deps, printed } = fakeDeps(stack, metrics);
  const written = { out: "", err: "" };
  const commands: Commands = {
    status: (options) => status(deps, options),
    advance: (request) => advance(deps, request),
    rollback: (request) => rollback(deps, request),
    report: (options) => report(deps, options),
    smoke: (options) => smoke(deps, options, smokeOptions),
    canDecommission: (options) => canDecommission(deps, options),
  };
  const code = await runCli(argv, commands, {
    out: (text) => void (written.out += text),
    err: (text) => void (written.err += text),
  });
  return { code, out: written.out + printed.join("\n"), err: written.err };
}
