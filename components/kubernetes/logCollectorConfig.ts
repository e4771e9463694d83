import { attribute, LOG_LABELS, renderCollectorConfig, resource } from "../logCollectorPipeline";

/** Where the collector sees the node's pod logs: the kubelet's directory, mounted read-only. */
export const POD_LOGS_MOUNT = "/var/log/pods";

export interface KubernetesLogCollectorSettings {
  /** The OTLP/HTTP base URL the collector sends to; the exporter appends `/v1/logs`. */
  readonly otlpEndpoint: string;
  /** The stack's namespace: its pods' lines only, never another stack's. */
  readonly namespace: string;
}

/**
 * The collector's pipeline on the Kubernetes target: follow the log file of every container of the stack's pods on the
 * node (`<namespace>_<pod>_<uid>/<container>/<restart>.log` under the kubelet's pod log directory, whose path names the
 * pod and container, so nothing asks the API server), parse the runtime's lines (CRI or Docker's json-file, split lines
 * joined again), and label each line: its service is its container's name, which the platform gives after its
 * workload (fastapi, flask, traefik, postgres, ...), and its container the pod's name.
 */
export function renderKubernetesLogCollectorConfig({
  otlpEndpoint,
  namespace,
}: KubernetesLogCollectorSettings): string {
  const { service, container, stream } = LOG_LABELS;
  return renderCollectorConfig(
    {
      include: [`${POD_LOGS_MOUNT}/${namespace}_*/*/*.log`],
      include_file_path: true,
      include_file_name: false,
      // A pod seen for the first time is read from its first line; one seen before, from its checkpoint.
      start_at: "beginning",
      operators: [
        // Sets k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.container.name and k8s.container.restart_count.
        { type: "container", add_metadata_from_filepath: true },
        { type: "copy", from: resource("k8s.container.name"), to: resource(service) },
        { type: "copy", from: resource("k8s.pod.name"), to: resource(container) },
        { type: "move", from: attribute("log.iostream"), to: resource(stream) },
        { type: "remove", field: attribute("log.file.path") },
        // OpenTelemetry's own name for the service, which other OTLP backends key on (Loki 3's service_name).
        { type: "copy", from: resource(service), to: resource("service.name") },
      ],
    },
    otlpEndpoint,
  );
}
