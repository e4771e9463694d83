import * as pulumi from "@pulumi/pulumi";
import { decommissionVerdict } from "../../infra/contract/decommission";
import { PLATFORM_OUTPUTS } from "../../infra/contract/platformOutputs";

// Plain local copies: the provider below is serialised with everything it captures, and capturing these values keeps
// whole modules (with their schema objects) out of that closure.
const FLASK_TRAFFIC_OUTPUT: string = PLATFORM_OUTPUTS.flaskTraffic;
const verdictOf = decommissionVerdict;

interface GuardInputs {
  readonly platformStack: string;
  readonly forceDecommission: boolean;
}

/** Asks the Pulumi CLI for the platform's current `flaskTraffic`; `undefined` when it cannot be read. */
function readFlaskTraffic(platformStack: string, outputName: string): unknown {
  // Required inside the function: this code runs later, serialised, in the provider process at destroy time.
  const { execFileSync } = require("node:child_process");
  try {
    const json = execFileSync("pulumi", ["stack", "output", outputName, "--json", "--stack", platformStack], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * Refuses `pulumi destroy` of the legacy stack while the platform still routes traffic to Flask. Destroy does not run
 * the program, so the check must live in a resource's delete; it reads the platform's outputs as they are at that
 * moment, not as they were at the last `pulumi up` here. Everything Flask runs depends on the guard being gone first.
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
    const traffic = props.forceDecommission ? [] : readFlaskTraffic(props.platformStack, FLASK_TRAFFIC_OUTPUT);
    const verdict = verdictOf(props.platformStack, traffic, props.forceDecommission);
    if (!verdict.allowed) throw new Error(`Refusing to decommission Flask: ${verdict.reason}`);
  },
};

export interface DecommissionGuardArgs {
  /** Fully qualified name of the platform stack, e.g. `organization/migration/dev`. */
  readonly platformStack: pulumi.Input<string>;
  /** Skip the traffic check (only for a platform stack that no longer exists). */
  readonly forceDecommission: pulumi.Input<boolean>;
}

export class DecommissionGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: DecommissionGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts);
  }
}
