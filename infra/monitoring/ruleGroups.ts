import { dump } from "js-yaml";

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: ReadonlyArray<RecordingRule | AlertingRule>;
}

/** A Prometheus rule file (the format `promtool check rules` reads). */
export function renderRuleFile(groups: readonly RuleGroup[]): string {
  return dump({ groups }, { lineWidth: -1, noRefs: true });
}
