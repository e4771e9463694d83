import * as pulumi from "@pulumi/pulumi";

interface GuardInputs {
  readonly platformStack: string;
  readonly forceDecommission: boolean;
}

/**
 * Runs the project's `cutover can-decommission` on the platform stack and returns why Flask must stay, or undefined
 * when it may go. The rules live in that command (infra/cutover/flaskBackup.ts) so that this code, which is serialised
 * into the stack's state, holds none of them: a destroy judges by the checkout it runs from, as `cutover status` does.
 */
function whyFlaskMustStay(platformStack: string): string | undefined {
  // Required inside the function: this code runs later, serialised, in the provider process at destroy time, whose
  // working directory is the legacy stack's folder; npm finds the repository's package.json above it.
  const { spawnSync } = require("node:child_process");
  const run = spawnSync(
    "npm",
    ["run", "--silent", "cutover", "--", "can-decommission", "--json", "--stack", platformStack],
    {
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  if (run.status === 0) return undefined;
  if (run.status === 3) {
    try {
      return JSON.parse(run.stdout).reason;
    } catch {
      // Fall through: an answer that cannot be read is no permission.
    }
  }
  const said = `${run.error?.message ?? ""}\n${run.stderr ?? ""}${run.stdout ?? ""}`.trim().slice(-1500);
  return (
    `could not check platform stack ${platformStack} (\`npm run cutover -- can-decommission --stack ${platformStack}\`` +
    ` from the repository, exit ${run.status ?? "none"}):\n${said}\nIf the platform is really gone, set ` +
    'legacy-flask:forceDecommission to true with `pulumi up --message "<why>"`, then destroy.'
  );
}

/**
 * Refuses `pulumi destroy` of the legacy stack while the platform still routes traffic to Flask, or has routed it
 * nothing for less than its backup window. Destroy does not run the program, so the check must live in a resource's
 * delete; it reads the platform as it is at that moment, not as it was at the last `pulumi up` here. Everything Flask
 * runs depends on the guard being gone first.
 */
const guardProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GuardInputs) {
    return { id: `decommission-guard-${inputs.platformStack}`, outs: inputs };
  },
  async diff() {
    return { changes: true, replaces: [], deleteBeforeReplace: false };
  },
  async update(_id: string, _olds: GuardInputs, news: GuardInputs) {
    return { outs: news };
  },
  async delete(_id: string, props: GuardInputs) {
    if (props.forceDecommission) return;
    const reason = whyFlaskMustStay(props.platformStack);
    if (reason !== undefined) throw new Error(`Refusing to decommission Flask: ${reason}`);
  },
};

export interface DecommissionGuardArgs {
  /** Fully qualified name of the platform stack, e.g. `organization/migration/dev`. */
  readonly platformStack: pulumi.Input<string>;
  /** Skip the check (only for a platform stack that no longer exists, or a decision recorded in the update message). */
  readonly forceDecommission: pulumi.Input<boolean>;
}

export class DecommissionGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: DecommissionGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts);
  }
}
