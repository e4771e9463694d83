import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly provider?: string;
  readonly custom: boolean;
}

/**
 * Pulumi mocks that record every registration and answer StackReference reads from a table, so a test can run a whole
 * program and then inspect exactly what it asked for.
 */
/** Resource options as the engine would receive them; the Mocks interface does not pass these to `newResource`. */
export interface RecordedOptions {
  readonly retainOnDelete: boolean;
  readonly protect: boolean;
  /** URNs of explicit and implicit dependencies. */
  readonly dependencies: string[];
}

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getRetainondelete(): boolean;
  getProtect(): boolean;
  getDependenciesList(): string[];
}

export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  private readonly options = new Map<string, RecordedOptions>();
  private stackOutputs: Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }> = {};

  /** Outputs that a StackReference to `stackName` will see, those named in `secretOutputNames` as secrets. */
  setStackOutputs(stackName: string, outputs: Record<string, unknown>, secretOutputNames: string[] = []): void {
    this.stackOutputs[stackName] = { outputs, secretOutputNames };
  }

  reset(): void {
    this.resources.length = 0;
    this.options.clear();
  }

  /** Wraps the mock monitor so that resource options are recorded too. Call right after `setMocks`. */
  recordOptionsOf(monitor: unknown): void {
    const target = monitor as { registerResource(request: RegisterResourceRequest, callback: unknown): unknown };
    const register = target.registerResource.bind(target);
    target.registerResource = (request, callback) => {
      this.options.set(`${request.getType()}::${request.getName()}`, {
        retainOnDelete: request.getRetainondelete(),
        protect: request.getProtect(),
        dependencies: request.getDependenciesList(),
      });
      return register(request, callback);
    };
  }

  optionsOf(type: string, name: string): RecordedOptions {
    const options = this.options.get(`${type}::${name}`);
    if (!options) throw new Error(`no registration recorded for ${type}::${name}`);
    return options;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
    this.resources.push({
      type: args.type,
      name: args.name,
      inputs: args.inputs,
      provider: args.provider,
      custom: args.custom ?? false,
    });
    if (args.type === "pulumi:pulumi:StackReference") {
      const stackName = args.inputs.name as string;
      return {
        id: stackName,
        state: { name: stackName, ...(this.stackOutputs[stackName] ?? { outputs: {}, secretOutputNames: [] }) },
      };
    }
    const state: Record<string, any> = { ...args.inputs };
    if (args.type === "docker:index/container:Container") state.exitCode = 0;
    if (args.type === "random:index/randomPassword:RandomPassword") state.result = "mock-password-0123456789abcdef";
    if (args.type.startsWith("docker:") && state.name === undefined) state.name = `${args.name}-generated`;
    // Kubernetes objects without a name get Pulumi's: the resource name and a random suffix.
    if (args.type.startsWith("kubernetes:") && state.metadata && state.metadata.name === undefined)
      state.metadata = { ...state.metadata, name: `${args.name}-generated` };
    return { id: `${args.name}-id`, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    return args.inputs;
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  named(type: string, name: string): RecordedResource {
    const matches = this.resources.filter((resource) => resource.type === type && resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }
}

const isSecretInput = (input: unknown) =>
  input !== null &&
  typeof input === "object" &&
  (input as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** The value of an input the mock monitor received as a secret; throws when it arrived in plain text. */
export function secretValue<T>(input: unknown): T {
  if (!isSecretInput(input)) throw new Error(`expected a secret input, got ${JSON.stringify(input)}`);
  return (input as { value: T }).value;
}

/** Every input the mock monitor received, as JSON, each secret replaced by `[secret]`: what state would hold in plain text. */
export function plainInputs(resources: readonly RecordedResource[]): string {
  return JSON.stringify(
    resources.map((resource) => resource.inputs),
    (_key, value) => (isSecretInput(value) ? "[secret]" : value),
  );
}

/** Resolves an Output's value in a test (never assert inside an apply that nobody awaits). */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

/** Waits until every registration the program started has been answered by the mock monitor. */
export async function settle(): Promise<void> {
  await pulumi.runtime.disconnect();
}

export interface ProgramRun {
  readonly outputs: Record<string, unknown>;
  /** Names of the outputs that are secret. */
  readonly secretOutputNames: string[];
  /** URNs the mock monitor issued, which encode each resource's parent type. */
  readonly urns: string[];
}

/**
 * Runs a whole Pulumi program under fresh mocks with the given config, waits for every registration, and resolves its
 * outputs. A program that throws rejects, after its registrations (if any) have settled.
 */
export async function runProgram(
  mocks: RecordingMocks,
  program: () => Promise<Record<string, unknown>>,
  options: { project: string; stack: string; config: Record<string, string> },
): Promise<ProgramRun> {
  mocks.reset();
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, false, "organization");
  pulumi.runtime.setAllConfig(options.config);
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> };
  mocks.recordOptionsOf(monitor);
  try {
    const exported = await program();
    const entries = Object.entries(exported);
    const outputs = Object.fromEntries(
      await Promise.all(entries.map(async ([key, value]) => [key, await promiseOf(value)] as const)),
    );
    const secrecy = await Promise.all(entries.map(([, value]) => pulumi.isSecret(pulumi.output(value))));
    await settle();
    return {
      outputs,
      secretOutputNames: entries.filter((_, index) => secrecy[index]).map(([key]) => key),
      urns: [...monitor.getRegisteredResources().keys()],
    };
  } catch (error) {
    await settle();
    throw error;
  }
}
