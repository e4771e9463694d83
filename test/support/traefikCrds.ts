import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { loadAll } from "js-yaml";
import type { KubernetesObject } from "../../infra/render/traefik/kubernetesRouting";
import { REPO_ROOT } from "./stackConfig";

/**
 * The CRDs of the Traefik version the project builds, from the file users apply (scripts/kubernetes/traefik-crds.sh
 * finds it in that version's Go module, downloading it through the module proxy when the cache lacks it).
 */
function crdFile(): string {
  return execFileSync("bash", [join(REPO_ROOT, "scripts", "kubernetes", "traefik-crds.sh"), "path"], {
    encoding: "utf8",
  }).trim();
}

interface CustomResourceDefinition {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

/**
 * The schema with every object that lists its properties closed to others, unless it says it keeps unknown fields:
 * the API server prunes an unknown field without a word (or, with strict field validation, refuses the object), so a
 * misspelt field would be lost in the cluster while a plain JSON Schema validator accepts it.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== "object" || schema === null) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  const open = "additionalProperties" in copy || copy["x-kubernetes-preserve-unknown-fields"] === true;
  return "properties" in copy && !open ? { ...copy, additionalProperties: false } : copy;
}

/** Checks a Traefik object against its CRD's schema: the problems found, none when the object is valid. */
export type TraefikObjectValidator = (object: KubernetesObject) => string[];

export function traefikCrdValidator(): TraefikObjectValidator {
  // Not strict: the schemas carry Kubernetes' own keywords (x-kubernetes-int-or-string, …), which Ajv does not know.
  // Their one format, int64, only says how wide an integer the API server stores.
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { int64: true } });
  const validators = new Map<string, ValidateFunction>();
  const documents = loadAll(readFileSync(crdFile(), "utf8"));
  for (const { spec } of documents as CustomResourceDefinition[])
    for (const version of spec.versions)
      validators.set(
        `${spec.group}/${version.name} ${spec.names.kind}`,
        ajv.compile(closed(version.schema.openAPIV3Schema) as object),
      );

  return (object) => {
    const validate = validators.get(`${object.apiVersion} ${object.kind}`);
    if (!validate) return [`no Traefik CRD defines ${object.apiVersion} ${object.kind}`];
    if (validate(object)) return [];
    return validate.errors!.map(
      (error) => `${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`,
    );
  };
}
