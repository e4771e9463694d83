import { basename, dirname } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StaticFile } from "../../infra/plan/platformPlan";

/** A workload's baked-in files, as ConfigMaps (Secrets for the secret ones) mounted where the plan puts them. */
export interface StaticFileVolumes {
  readonly volumes: k8s.types.input.core.v1.Volume[];
  readonly volumeMounts: k8s.types.input.core.v1.VolumeMount[];
}

/**
 * One ConfigMap per directory of the plan's static files (a ConfigMap's keys cannot hold a `/`), or a Secret for a
 * directory's secret files. None of them is ever a routing file: those change on weight steps, and a mounted ConfigMap
 * reaches the pod late (see the routing objects).
 *
 * Each file is mounted alone (`subPath`), so that the image's other files in the same directory stay visible (e.g.
 * Prometheus's console libraries beside prometheus.yml). A `subPath` mount never sees a change to its ConfigMap, and
 * need not: the ConfigMaps are named by Pulumi (a random suffix), so a changed file makes a new one, the Deployment
 * rolls onto it, and only then is the old one deleted. A fixed name would have to be deleted first, and take the
 * Deployment with it.
 */
export function staticFileVolumes(
  workload: string,
  files: readonly StaticFile[],
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): StaticFileVolumes {
  const groups = new Map<string, StaticFile[]>();
  for (const file of files) {
    const group = `${file.secret ? "secret" : "plain"}:${dirname(file.path)}`;
    groups.set(group, [...(groups.get(group) ?? []), file]);
  }
  const volumes: k8s.types.input.core.v1.Volume[] = [];
  const volumeMounts: k8s.types.input.core.v1.VolumeMount[] = [];
  [...groups.values()].forEach((inGroup, index) => {
    const volume = `files-${index}`;
    // Keys are the file names; a leading dot (e.g. `.traefik.yml`) is allowed in ConfigMap and Secret keys.
    const entries = inGroup.map((file) => [basename(file.path), file.content] as const);
    if (inGroup[0].secret) {
      const secret = new k8s.core.v1.Secret(
        `${workload}-files-${index}`,
        { metadata: { namespace }, stringData: pulumi.secret(Object.fromEntries(entries)) },
        opts,
      );
      volumes.push({ name: volume, secret: { secretName: secret.metadata.name } });
    } else {
      const configMap = new k8s.core.v1.ConfigMap(
        `${workload}-files-${index}`,
        { metadata: { namespace }, data: Object.fromEntries(entries) },
        opts,
      );
      volumes.push({ name: volume, configMap: { name: configMap.metadata.name } });
    }
    for (const file of inGroup)
      volumeMounts.push({ name: volume, mountPath: file.path, subPath: basename(file.path), readOnly: true });
  });
  return { volumes, volumeMounts };
}
