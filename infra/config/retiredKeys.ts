/**
 * Keys an earlier release accepted and this one does not, with what replaced them: a stack upgraded from that release
 * is told what to set instead, not just that the key is unknown. Keyed by the dotted path under the namespace.
 */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
  "monitoring.logs.lokiImage":
    'no such key any more: Loki (AGPL) was replaced by VictoriaLogs; set monitoring.logs.storeImage instead, e.g. "migration/victorialogs:v1.52.1" (see docs/monitoring.md, "Upgrading from Loki")',
  "monitoring.logs.agentImage":
    'no such key any more: Promtail was replaced by the OpenTelemetry Collector; set monitoring.logs.collectorImage instead, e.g. "migration/log-collector:v0.165.0" (see docs/monitoring.md, "Upgrading from Loki")',
};
