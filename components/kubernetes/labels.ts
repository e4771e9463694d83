/** The labels that select a workload's pods: its Service, its disruption budget and its Deployment agree on them. */
export function workloadLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "migration" };
}
