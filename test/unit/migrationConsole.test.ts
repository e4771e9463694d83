import { describe, expect, it } from "vitest";
import { MIGRATION_CONSOLE_FILE, renderMigrationConsole } from "../../infra/monitoring/migrationConsole";

const ROUTES = ["api-users-get-head", "default"];
const page = renderMigrationConsole(ROUTES);

interface TemplatePiece {
  readonly kind: "text" | "action";
  readonly source: string;
}

/**
 * Splits a Go template into literal text and actions the way Go's lexer does for what the page uses: an action runs
 * from `{{` to the first `}}` outside a quoted string.
 */
function templatePieces(template: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let position = 0;
  while (position < template.length) {
    const start = template.indexOf("{{", position);
    if (start < 0) {
      pieces.push({ kind: "text", source: template.slice(position) });
      break;
    }
    pieces.push({ kind: "text", source: template.slice(position, start) });
    let end = start + 2;
    while (!template.startsWith("}}", end)) {
      if (end >= template.length) throw new Error(`unclosed action at ${start}`);
      if (template[end] === '"') {
        end++;
        while (template[end] !== '"') end += template[end] === "\\" ? 2 : 1;
      }
      end++;
    }
    pieces.push({ kind: "action", source: template.slice(start, end + 2) });
    position = end + 2;
  }
  return pieces.filter((piece) => piece.source !== "");
}

const actions = (template: string) =>
  templatePieces(template)
    .filter((piece) => piece.kind === "action")
    .map((piece) => piece.source);

describe("the Flask vs FastAPI console page", () => {
  it("is served by Prometheus as /consoles/flask-vs-fastapi.html", () => {
    expect(MIGRATION_CONSOLE_FILE).toBe("flask-vs-fastapi.html");
  });

  it("opens with the alerts panel, then one section per route in the plan's order", () => {
    const alerts = page.indexOf('<section id="migration-alerts">');
    const sections = ROUTES.map((route) =>
      page.indexOf(`<section class="migration-route" data-route="{{ "${route}" }}">`),
    );
    expect(alerts).toBeGreaterThan(0);
    expect(sections.every((position) => position > alerts)).toBe(true);
    expect([...sections].sort((a, b) => a - b)).toEqual(sections);
    expect(page.match(/<section class="migration-route"/g)).toHaveLength(ROUTES.length);
  });

  it("says so in words when no migration alert is firing or pending", () => {
    const panel = page.slice(page.indexOf('<section id="migration-alerts">'), page.indexOf("</section>"));
    expect(panel).toMatch(
      /\{\{ with query .+ \}\}[\s\S]*\{\{ range sortByLabel "alertstate" \. \}\}[\s\S]*\{\{ else \}\}/,
    );
    expect(panel).toContain('<p class="migration-no-alerts">No migration alert is firing or pending.</p>');
  });

  it("draws each route's four graphs, both backends as lines of one graph (and the failovers beside the rates), in the same units as the dashboard", () => {
    const route = page.slice(
      page.indexOf('data-route="{{ "api-users-get-head" }}"'),
      page.indexOf('data-route="{{ "default" }}"'),
    );
    const graphs = [...route.matchAll(/new PromConsole\.Graph\(\{ (.*) \}\);/g)].map(([, options]) => options);
    expect([...route.matchAll(/<h3 class="h6">\{\{ "(.*?)" \}\}<\/h3>/g)].map(([, title]) => title)).toEqual([
      "Requests/s",
      "5xx ratio",
      "p99 latency",
      "FastAPI share: configured vs observed",
    ]);
    expect(graphs).toHaveLength(4);
    expect(graphs[0]).toContain('name: [{{ "[[backend]]" }}, {{ "failed over" }}]');
    for (const options of graphs.slice(1, 3)) expect(options).toContain('name: [{{ "[[backend]]" }}]');
    expect(graphs[3]).toContain('name: [{{ "configured weight" }}, {{ "observed share" }}]');
    expect(graphs.map((options) => /yUnits: \{\{ "(.*?)" \}\}/.exec(options)![1])).toEqual([" req/s", "%", "s", "%"]);
    // The 5xx ratio is a ratio (0..1), shown in percent like Grafana's percentunit.
    expect(graphs[1]).toContain("humanizeNoSmallPrefix(100 * ratio)");
    expect(graphs.map((options) => /min: (\d+)/.exec(options)![1])).toEqual(["0", "0", "0", "0"]);
    expect(graphs.map((options) => /max: (\d+)/.exec(options)?.[1])).toEqual([undefined, undefined, undefined, "100"]);
  });

  it("colours each backend the same on every graph", () => {
    const colours = [...page.matchAll(/lineColours: JSON\.parse\(\{\{ ("(?:[^"\\]|\\.)*") \}\}\)/g)].map(
      ([, literal]) => JSON.parse(JSON.parse(literal) as string) as Record<string, string>,
    );
    expect(colours).toHaveLength(4 * ROUTES.length);
    const backendColours = colours.filter((byName) => "fastapi" in byName);
    expect(new Set(backendColours.map((byName) => `${byName.fastapi} ${byName.flask}`)).size).toBe(1);
    const [{ fastapi, flask }] = backendColours;
    expect(fastapi).not.toBe(flask);
    const share = colours.find((byName) => "observed share" in byName)!;
    expect(share["observed share"]).toBe(fastapi);
  });

  it("uses only the console library templates that prom.lib defines, and none of the example menu", () => {
    const used = actions(page)
      .map((action) => /^\{\{ template "([^"]+)"/.exec(action)?.[1])
      .filter((name) => name !== undefined);
    expect(used).toEqual(["prom_content_head", "prom_content_tail", "tail"]);
  });

  it("passes every text of the plan as a Go string constant, which html/template escapes where it lands", () => {
    const hostile = 'x"}}{{ template "evil" }}<script>alert(1)</script>';
    const template = renderMigrationConsole([hostile]);
    const text = templatePieces(template).filter((piece) => piece.kind === "text");
    for (const piece of text) {
      expect(piece.source).not.toContain("evil");
      expect(piece.source).not.toContain("alert(1)");
    }
    const carrying = actions(template).filter((action) => action.includes("evil"));
    expect(carrying.length).toBeGreaterThan(0);
    for (const action of carrying) expect(action).toMatch(/^\{\{ "(?:[^"\\]|\\.)*" \}\}$/);
    expect(carrying).toContain(`{{ ${JSON.stringify(hostile)} }}`);
  });
});
