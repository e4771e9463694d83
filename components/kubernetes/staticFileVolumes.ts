import { dirname, basename } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StaticFile } from "../../infra/plan/platformPlan";

/** A workload's baked-in files, as ConfigMaps mounted where the plan puts them. */
export interface StaticFileVolumes {
  readonly volumes: k8s.types.input.core.v1.Volume[];
  readonly volumeMounts: k8s.types.input.core.v1.VolumeMount[];
}

/**
 * One ConfigMap per directory of the plan's static files (a ConfigMap's keys cannot hold a `/`). None of them is ever a
 * routing file: those change on weight steps, and a mounted ConfigMap reaches the pod late (see the routing objects).
 *
 * The ConfigMaps are named by Pulumi (a random suffix): a changed file makes a new one, the Deployment rolls onto it,
 * and only then is the old one deleted. A fixed name would have to be deleted first, and take the Deployment with it.
 */
export function staticFileVolumes(
  workload: string,
  files: readonly StaticFile[],
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): StaticFileVolumes {
  if (files.some((file) => file.secret)) throw new Error(`${workload}: secret static files need a Secret volume`);
  const directories = [...new Set(files.map((file) => dirname(file.path)))];
  const volumes: k8s.types.input.core.v1.Volume[] = [];
  const volumeMounts: k8s.types.input.core.v1.VolumeMount[] = [];
  directories.forEach((directory, index) => {
    const inDirectory = files.filter((file) => dirname(file.path) === directory);
    const configMap = new k8s.core.v1.ConfigMap(
      `${workload}-files-${index}`,
      {
        metadata: { namespace },
        // Keys are the file names; a leading dot (e.g. `.traefik.yml`) is allowed in ConfigMap keys.
        data: Object.fromEntries(inDirectory.map((file) => [basename(file.path), file.content])),
      },
      opts,
    );
    volumes.push({ name: `files-${index}`, configMap: { name: configMap.metadata.name } });
    volumeMounts.push({ name: `files-${index}`, mountPath: directory, readOnly: true });
  });
  return { volumes, volumeMounts };
}
