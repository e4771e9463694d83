import { configKey } from "../config/issues";
import type { WeightChange } from "./nextStep";

/** A Pulumi stack file (`Pulumi.<stack>.yaml`) as js-yaml reads it; only `config` is touched. */
export interface StackFileDocument {
  readonly config?: Readonly<Record<string, unknown>>;
  readonly [setting: string]: unknown;
}

/**
 * The stack file with the weights changed as `pulumi config set --path` would change them, for a preview that must not
 * touch the real file (`--dry-run` writes this to a temporary file and previews with `--config-file`).
 */
export function withWeights(
  document: StackFileDocument,
  namespace: string,
  changes: readonly WeightChange[],
): StackFileDocument {
  const config: Record<string, unknown> = structuredClone({ ...document.config });
  for (const { target, to } of changes) {
    const [head, ...rest] = target.configPath;
    const key = `${namespace}:${String(head)}`;
    if (rest.length === 0) {
      config[key] = to;
      continue;
    }
    const parent = rest
      .slice(0, -1)
      .reduce<unknown>(
        (node, part) =>
          node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[part] : undefined,
        config[key],
      );
    if (parent === null || typeof parent !== "object") {
      throw new Error(
        `cannot preview: ${configKey(namespace, target.configPath)} is not a plain value in the stack file`,
      );
    }
    (parent as Record<string | number, unknown>)[rest[rest.length - 1]] = to;
  }
  return { ...document, config };
}
