/** The shell blocks of README.md that the newcomer e2e runs as written. */

/** Every ```sh fenced block of a Markdown text, without its fences. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

/** The README line (comment and all) that runs `command`, from the first block that has one. */
export function readmeCommand(markdown: string, command: string): string {
  for (const block of shellBlocks(markdown)) {
    const line = block.split("\n").find((text) => text === command || text.startsWith(`${command} `));
    if (line) return line;
  }
  throw new Error(`README.md has no shell block with a line that runs \`${command}\``);
}

export interface NewShellBlock {
  /** The block as the README prints it. */
  readonly script: string;
  /** The default weight it sets. */
  readonly weight: number;
}

/** The block a new shell runs after `npm run up`: it starts with `source scripts/env.sh` and sets the default weight. */
export function readmeNewShellBlock(markdown: string): NewShellBlock {
  const script = shellBlocks(markdown).find((block) => block.startsWith("source scripts/env.sh"));
  if (!script) throw new Error("README.md has no shell block that starts with `source scripts/env.sh`");
  const weight = /pulumi config set defaultWeight (\d+)/.exec(script);
  if (!weight) throw new Error("README.md's new-shell block does not set defaultWeight");
  return { script, weight: Number(weight[1]) };
}
