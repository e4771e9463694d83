import { dump } from "js-yaml";
import type { PlatformConfig } from "../config/schema";

type AlertReceiver = PlatformConfig["monitoring"]["alertReceiver"];

/**
 * Alertmanager's configuration: one receiver, taken from `monitoring.alertReceiver`. Without one, alerts go to a
 * receiver with no integrations: they are still evaluated and shown by Prometheus and Grafana, just not sent anywhere.
 */
export function renderAlertmanagerConfig(receiver: AlertReceiver): string {
  const receiverConfig = receiver
    ? { name: "webhook", webhook_configs: [{ url: receiver.webhookUrl, send_resolved: true }] }
    : { name: "null" };
  return dump(
    {
      route: {
        receiver: receiverConfig.name,
        // One notification per alert and route: a problem on /api/orders must not hide one on /api/users.
        group_by: ["alertname", "route", "backend"],
        group_wait: "30s",
        group_interval: "5m",
        repeat_interval: "4h",
      },
      receivers: [receiverConfig],
    },
    { lineWidth: -1, noRefs: true },
  );
}
