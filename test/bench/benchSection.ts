/** What a section of `npm run bench` hands back once it has measured. */
export interface SectionOutcome {
  /** Its part of reports/bench.json. */
  readonly report: Record<string, unknown>;
  /** The lines of its printed table. */
  readonly table: readonly string[];
  /** Each bar it missed, in a sentence; any makes the run exit non-zero. */
  readonly missed: readonly string[];
}
