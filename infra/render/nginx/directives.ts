/** One nginx directive: `name args;`, `name args { children }`, or a `*_by_lua_block { code }`. */
export interface NginxDirective {
  readonly name: string;
  readonly args?: ReadonlyArray<string | number>;
  readonly children?: readonly NginxDirective[];
  readonly lua?: string;
}

const NEEDS_QUOTES = /[\s;{}#"'\\]/;

function quote(arg: string | number): string {
  const text = String(arg);
  if (text === "") return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/[\\"]/g, (match) => `\\${match}`)}"` : text;
}

/** Serialises directives with consistent quoting and indentation, so no caller ever builds nginx syntax by hand. */
export function serializeNginx(directives: readonly NginxDirective[], depth = 0): string {
  const indent = "    ".repeat(depth);
  return directives
    .map((directive) => {
      const head = [directive.name, ...(directive.args ?? []).map(quote)].join(" ");
      if (directive.lua !== undefined) {
        const body = directive.lua
          .split("\n")
          .map((line) => `${indent}    ${line}`)
          .join("\n");
        return `${indent}${head} {\n${body}\n${indent}}`;
      }
      if (directive.children) return `${indent}${head} {\n${serializeNginx(directive.children, depth + 1)}\n${indent}}`;
      return `${indent}${head};`;
    })
    .join("\n");
}
