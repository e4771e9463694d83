import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { renderAlertmanagerConfig } from "../../infra/monitoring/alertmanagerConfig";

describe("alertmanager.yml", () => {
  it("routes every alert to a receiver without integrations when no receiver is configured", () => {
    const config = load(renderAlertmanagerConfig(undefined)) as any;
    expect(config.receivers).toEqual([{ name: "null" }]);
    expect(config.route).toMatchObject({ receiver: "null", group_by: ["alertname", "route", "backend"] });
  });

  it("sends alerts, and their resolution, to the configured webhook", () => {
    const config = load(renderAlertmanagerConfig({ webhookUrl: "https://hooks.example.com/T0/B0/x" })) as any;
    expect(config.receivers).toEqual([
      { name: "webhook", webhook_configs: [{ url: "https://hooks.example.com/T0/B0/x", send_resolved: true }] },
    ]);
    expect(config.route.receiver).toBe("webhook");
  });
});
