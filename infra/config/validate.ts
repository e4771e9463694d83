import type { z } from "zod";
import { configKey, type ConfigIssue, type ConfigPath, type Validated } from "./issues";
import { RETIRED_KEYS } from "./retiredKeys";
import { checkCrossFieldRules } from "./rules";
import { platformConfigSchema, type PlatformConfig } from "./schema";
import { shownValue } from "./shownValue";

/**
 * The one gate between raw stack config and the rest of the program: returns a complete, typed config, or every problem
 * found (never just the first), each naming the key, the value and what is allowed.
 */
export function validatePlatformConfig(raw: Record<string, unknown>, namespace: string): Validated<PlatformConfig> {
  const parsed = platformConfigSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.flatMap((zodIssue) => toConfigIssues(zodIssue, raw, namespace)) };
  }
  const issues = checkCrossFieldRules(parsed.data, namespace);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: parsed.data };
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  return path.reduce<unknown>(
    (node, part) =>
      node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[part] : undefined,
    root,
  );
}

function toConfigIssues(zodIssue: z.core.$ZodIssue, raw: Record<string, unknown>, namespace: string): ConfigIssue[] {
  const path = zodIssue.path.map((part) => (typeof part === "symbol" ? String(part) : part));
  if (zodIssue.code === "unrecognized_keys") {
    const allowed = knownKeysAt(path);
    return zodIssue.keys.map((unknownKey) => ({
      key: configKey(namespace, [...path, unknownKey]),
      value: shownValue([...path, unknownKey], valueAt(raw, [...path, unknownKey])),
      expected:
        RETIRED_KEYS[[...path, unknownKey].join(".")] ?? `no such key: known keys here are ${allowed.join(", ")}`,
    }));
  }
  return [{ key: configKey(namespace, path), value: shownValue(path, valueAt(raw, path)), expected: zodIssue.message }];
}

/** Lists the keys the schema accepts at a path, for "did you mean" style messages about misspelt keys. */
function knownKeysAt(path: ConfigPath): string[] {
  let schema: z.core.$ZodType = platformConfigSchema;
  for (const part of path) {
    schema = unwrap(schema);
    if (typeof part === "number" && schema._zod.def.type === "array") {
      schema = (schema._zod.def as z.core.$ZodArrayDef).element;
    } else {
      schema =
        objectShapes(schema)
          .map((shape) => shape[part as string])
          .find(Boolean) ?? schema;
    }
  }
  const keys = objectShapes(unwrap(schema)).flatMap((shape) => Object.keys(shape));
  return [...new Set(keys)];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType };
  return (def.type === "default" || def.type === "optional") && def.innerType ? unwrap(def.innerType) : schema;
}

function objectShapes(schema: z.core.$ZodType): Array<Record<string, z.core.$ZodType>> {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; options?: z.core.$ZodType[] };
  if (def.type === "object" && def.shape) return [def.shape];
  if (def.type === "union" && def.options) return def.options.flatMap((option) => objectShapes(unwrap(option)));
  return [];
}
