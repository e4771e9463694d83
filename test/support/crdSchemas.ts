import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { isIPv4, isIPv6 } from "node:net";
import { join } from "node:path";
import Ajv, { type Format, type ValidateFunction } from "ajv";
import { loadAll } from "js-yaml";
import type { KubernetesObject } from "../../infra/render/kubernetesObject";
import { REPO_ROOT } from "./stackConfig";

/**
 * The CRD files a script of scripts/kubernetes/ names with `path`, one a line (each finds them in the Go module of
 * the version the project pins, downloading it through the module proxy when the cache lacks it): the files users
 * apply.
 */
function crdFiles(script: string): string[] {
  const output = execFileSync("bash", [join(REPO_ROOT, "scripts", "kubernetes", script), "path"], {
    encoding: "utf8",
  });
  return output.split("\n").filter((line) => line !== "");
}

interface CustomResourceDefinition {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

/**
 * The keywords under which a structural schema only restates, for a value validation, properties its parent
 * declares (the Gateway API's address `oneOf` names `type` alone in one branch): closing those would refuse the
 * parent's other fields.
 */
const VALUE_VALIDATIONS = new Set(["allOf", "anyOf", "oneOf", "not"]);

/**
 * The schema with every object that lists its properties closed to others, unless it says it keeps unknown fields:
 * the API server prunes an unknown field without a word (or, with strict field validation, refuses the object), so a
 * misspelt field would be lost in the cluster while a plain JSON Schema validator accepts it.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== "object" || schema === null) return schema;
  const copy = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, VALUE_VALIDATIONS.has(key) ? value : closed(value)]),
  );
  const open = "additionalProperties" in copy || copy["x-kubernetes-preserve-unknown-fields"] === true;
  return "properties" in copy && !open ? { ...copy, additionalProperties: false } : copy;
}

const RFC3339_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/** The formats the CRDs use that Ajv does not know without the ajv-formats package. */
const FORMATS: Record<string, Format> = {
  // They only say how wide an integer the API server stores.
  int32: true,
  int64: true,
  ipv4: isIPv4,
  ipv6: isIPv6,
  "date-time": (value: string) => RFC3339_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)),
};

/** Checks an object against its CRD's schema: the problems found, none when the object is valid. */
export type CrdObjectValidator = (object: KubernetesObject) => string[];

/**
 * A validator for every kind and version the CRDs of `source` (e.g. "Traefik") define, read from the files `script`
 * names. It checks what an OpenAPI schema says (structure, types, enums, patterns, lengths, minimum and maximum,
 * unknown fields), not the CEL rules of `x-kubernetes-validations` (the Gateway API states many constraints that
 * way, e.g. that a path match's value starts with "/"), which Ajv ignores and only the API server evaluates.
 */
function crdValidator(source: string, script: string): CrdObjectValidator {
  // Not strict: the schemas carry Kubernetes' own keywords (x-kubernetes-int-or-string, …), which Ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: true, formats: FORMATS });
  const validators = new Map<string, ValidateFunction>();
  const definitions = crdFiles(script).flatMap(
    (file) => loadAll(readFileSync(file, "utf8")) as CustomResourceDefinition[],
  );
  for (const { spec } of definitions)
    // The API server refuses a version its CRD no longer serves (the Gateway API keeps BackendTLSPolicy v1alpha3 so).
    for (const version of spec.versions.filter(({ served }) => served))
      validators.set(
        `${spec.group}/${version.name} ${spec.names.kind}`,
        ajv.compile(closed(version.schema.openAPIV3Schema) as object),
      );

  return (object) => {
    const validate = validators.get(`${object.apiVersion} ${object.kind}`);
    if (!validate) return [`no ${source} CRD defines ${object.apiVersion} ${object.kind}`];
    if (validate(object)) return [];
    return validate.errors!.map(
      (error) => `${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`,
    );
  };
}

/** Traefik's CRDs, of the Traefik version the project builds (scripts/kubernetes/traefik-crds.sh). */
export function traefikCrdValidator(): CrdObjectValidator {
  return crdValidator("Traefik", "traefik-crds.sh");
}

/**
 * The Gateway API's standard-channel CRDs, of the version that Traefik implements
 * (scripts/kubernetes/gateway-api-crds.sh).
 */
export function gatewayApiCrdValidator(): CrdObjectValidator {
  return crdValidator("Gateway API", "gateway-api-crds.sh");
}
