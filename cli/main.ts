import { resolve } from "node:path";
import { serviceProxy } from "../components/kubernetes/serviceProxy";
import { readMetrics } from "./prometheus";
import { advance } from "./commands/advance";
import { canDecommission } from "./commands/canDecommission";
import { report } from "./commands/report";
import { rollback } from "./commands/rollback";
import { smoke } from "./commands/smoke";
import { status } from "./commands/status";
import { currentUser } from "./identity";
import { pulumiEnvironment } from "./localBackend";
import type { CutoverDeps } from "./ports";
import { runCli } from "./program";
import { openPulumiStack } from "./pulumiStack";
import { publishRoutingNow } from "./routingNow";
import { verifySplit } from "./splitProbe";

// The Pulumi project (Pulumi.yaml and the stack files) is the repository root, one level above this folder.
const REPO_ROOT = resolve(__dirname, "..");
const environment = pulumiEnvironment(process.env);

const deps: CutoverDeps = {
  openStack: (name) => {
    for (const note of environment.notes) process.stderr.write(`${note}\n`);
    return Promise.resolve(openPulumiStack(name, REPO_ROOT, environment.envVars));
  },
  readMetrics: async (prometheus) => {
    if ("url" in prometheus) return readMetrics(prometheus.url);
    const proxy = await serviceProxy(prometheus.cluster, prometheus.service);
    return readMetrics(proxy.url, proxy.fetch);
  },
  verifySplit: (ingressUrl, expectations) => verifySplit(ingressUrl, expectations),
  publishRoutingNow: (stack, config, map) => publishRoutingNow(stack, config, map),
  currentUser: () => currentUser(),
  now: () => new Date(),
  print: (text) => process.stdout.write(`${text}\n`),
  progress: (text) => process.stdout.write(text),
};

const terminal = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

runCli(
  process.argv.slice(2),
  {
    status: (options) => status(deps, options),
    advance: (request) => advance(deps, request),
    rollback: (request) => rollback(deps, request),
    report: (options) => report(deps, options),
    smoke: (options) => smoke(deps, options),
    canDecommission: (options) => canDecommission(deps, options),
  },
  terminal,
).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
