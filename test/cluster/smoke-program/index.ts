import { readFileSync } from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

// The smallest real deploy of the project's apps on the local cluster: PostgreSQL as a StatefulSet with a claim, and
// FastAPI as a Deployment behind a Service, both pulled from the cluster's registry. It proves the cluster, the
// registry and the Kubernetes provider work together; the platform's own Kubernetes target replaces it.
const config = new pulumi.Config();
const registry = config.require("registry");
const provider = new k8s.Provider("cluster", {
  kubeconfig: pulumi.secret(readFileSync(config.require("kubeconfig"), "utf8")),
});
const opts = { provider };

const namespace = new k8s.core.v1.Namespace("smoke", {}, opts);
const ns = namespace.metadata.name;
const password = new random.RandomPassword("database", { length: 24, special: false });
const database = new k8s.core.v1.Secret(
  "database",
  {
    metadata: { namespace: ns },
    stringData: {
      POSTGRES_PASSWORD: password.result,
      DATABASE_URL: pulumi.interpolate`postgresql+asyncpg://app:${password.result}@postgres:5432/app`,
    },
  },
  opts,
);

const postgresLabels = { app: "postgres" };
const postgresService = new k8s.core.v1.Service(
  "postgres",
  {
    metadata: { namespace: ns, name: "postgres" },
    spec: { selector: postgresLabels, ports: [{ port: 5432 }] },
  },
  opts,
);
const postgres = new k8s.apps.v1.StatefulSet(
  "postgres",
  {
    metadata: { namespace: ns, name: "postgres" },
    spec: {
      serviceName: postgresService.metadata.name,
      replicas: 1,
      selector: { matchLabels: postgresLabels },
      template: {
        metadata: { labels: postgresLabels },
        spec: {
          containers: [
            {
              name: "postgres",
              image: `${registry}/migration/postgres:15-bookworm`,
              env: [
                { name: "POSTGRES_USER", value: "app" },
                { name: "POSTGRES_DB", value: "app" },
                {
                  name: "POSTGRES_PASSWORD",
                  valueFrom: { secretKeyRef: { name: database.metadata.name, key: "POSTGRES_PASSWORD" } },
                },
              ],
              ports: [{ containerPort: 5432 }],
              readinessProbe: { exec: { command: ["pg_isready", "-U", "app", "-d", "app"] }, periodSeconds: 2 },
              volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: {
            storageClassName: config.require("storageClass"),
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "1Gi" } },
          },
        },
      ],
    },
  },
  opts,
);

const fastapiLabels = { app: "fastapi" };
const fastapi = new k8s.apps.v1.Deployment(
  "fastapi",
  {
    metadata: { namespace: ns, name: "fastapi" },
    spec: {
      replicas: 1,
      selector: { matchLabels: fastapiLabels },
      template: {
        metadata: { labels: fastapiLabels },
        spec: {
          containers: [
            {
              name: "fastapi",
              image: `${registry}/migration/fastapi:0.2.0`,
              env: [
                {
                  name: "DATABASE_URL",
                  valueFrom: { secretKeyRef: { name: database.metadata.name, key: "DATABASE_URL" } },
                },
              ],
              ports: [{ containerPort: 8000 }],
              // Ready when the process serves (/healthz; /healthz/database asks the database).
              readinessProbe: { httpGet: { path: "/healthz", port: 8000 }, periodSeconds: 2 },
            },
          ],
        },
      },
    },
  },
  { ...opts, dependsOn: [postgres] },
);
const fastapiService = new k8s.core.v1.Service(
  "fastapi",
  {
    metadata: { namespace: ns, name: "fastapi" },
    spec: { selector: fastapiLabels, ports: [{ port: 8000 }] },
  },
  { ...opts, dependsOn: [fastapi] },
);

export const namespaceName = ns;
export const fastapiUrl = pulumi.interpolate`http://${fastapiService.spec.clusterIP}:8000`;
