import { BACKENDS, type BackendName } from "../routing/plan";
import {
  MIGRATION_ALERTS,
  MIGRATION_VIEW_TITLE,
  routeGraphs,
  routeSectionTitle,
  type LegendName,
  type PanelUnit,
  type RouteGraph,
} from "./migrationPanels";

/** The console's file name, which is also its name in Prometheus's URL: `/consoles/flask-vs-fastapi.html`. */
export const MIGRATION_CONSOLE_FILE = "flask-vs-fastapi.html";

/**
 * A string as a Go template action: a Go string constant, which html/template (Prometheus expands consoles with it)
 * escapes for where it lands (HTML text, an attribute, a JavaScript value), so no text of the routing plan is ever
 * read as markup, script or template syntax. JSON's string escapes are a subset of Go's.
 */
const templateString = (value: string) => `{{ ${JSON.stringify(value)} }}`;

/** How each unit reads on a console graph: the unit after values, and one JavaScript formatter for axis and hover. */
const CONSOLE_AXES: Record<PanelUnit, { readonly yUnits: string; readonly formatter: string }> = {
  requestsPerSecond: { yUnits: " req/s", formatter: "PromConsole.NumberFormatter.humanizeNoSmallPrefix" },
  ratio: {
    yUnits: "%",
    formatter: "function (ratio) { return PromConsole.NumberFormatter.humanizeNoSmallPrefix(100 * ratio); }",
  },
  // Without SI prefixes: `humanize` writes 0 as "0.000e+0" and 120 ms as "120m", which reads as minutes.
  seconds: { yUnits: "s", formatter: "PromConsole.NumberFormatter.humanizeNoSmallPrefix" },
  percent: { yUnits: "%", formatter: "PromConsole.NumberFormatter.humanizeNoSmallPrefix" },
};

const BACKEND_COLOURS: Record<BackendName, string> = { fastapi: "#00897b", flask: "#ef6c00" };
/** Lines with a fixed legend, in query order: a neutral colour for the configured weight, FastAPI's for its share. */
const FIXED_LEGEND_COLOURS = ["#757575", BACKEND_COLOURS.fastapi];

/** Each line's colour by its legend name, so that a backend has the same colour on every graph. */
function lineColours(graphSpec: RouteGraph): Record<string, string> {
  return Object.fromEntries(
    graphSpec.queries.flatMap(({ legend }, index) =>
      "label" in legend
        ? BACKENDS.map((backend) => [backend, BACKEND_COLOURS[backend]])
        : [[legend.text, FIXED_LEGEND_COLOURS[index % FIXED_LEGEND_COLOURS.length]]],
    ),
  );
}

/** A legend name as prom_console.js takes it: `[[label]]` is replaced by the series' value of that label. */
const consoleName = (legend: LegendName) => ("label" in legend ? `[[${legend.label}]]` : legend.text);

/**
 * The Debian package's classic UI assets, served under /classic/static. prom.lib's own head is not used: it links a
 * d3 plugin and a popper.js file that Debian's assets do not have. Bootstrap's bundle carries Popper, which the time
 * control's refresh menu needs.
 */
const HEAD = `<head>
<meta charset="utf-8">
<title>${templateString(MIGRATION_VIEW_TITLE)}</title>
<!-- The alerts panel is rendered by Prometheus when the page is served: reloading keeps it live. -->
<meta http-equiv="refresh" content="30">
<link rel="stylesheet" href="{{ pathPrefix }}/classic/static/bootstrap4/css/bootstrap.min.css">
<link rel="stylesheet" href="{{ pathPrefix }}/classic/static/rickshaw/rickshaw.min.css">
<link rel="stylesheet" href="{{ pathPrefix }}/classic/static/css/prom_console.css">
<link rel="stylesheet" href="{{ pathPrefix }}/classic/static/vendor/bootstrap4-glyphicons/css/bootstrap-glyphicons.css">
<script src="{{ pathPrefix }}/classic/static/d3/d3.min.js"></script>
<script src="{{ pathPrefix }}/classic/static/rickshaw/rickshaw.min.js"></script>
<script src="{{ pathPrefix }}/classic/static/jquery/jquery.min.js"></script>
<script src="{{ pathPrefix }}/classic/static/bootstrap4/js/bootstrap.bundle.min.js"></script>
<script>var PATH_PREFIX = {{ pathPrefix }};</script>
<script src="{{ pathPrefix }}/classic/static/js/prom_console.js"></script>
<script>
  // prom_console.js (Prometheus 2.42's) colours lines in the order Prometheus returns them, so a route that sends
  // FastAPI nothing would draw Flask in FastAPI's colour. Each graph here names its lines' colours (lineColours);
  // they are set just before it draws, whatever lines the data holds.
  var drawInReturnedOrder = PromConsole.Graph.prototype._render;
  PromConsole.Graph.prototype._render = function (data) {
    var graph = this;
    graph.params.colorScheme = [];
    data.forEach(function (response, index) {
      response.data.result.forEach(function (series) {
        var name = PromConsole._interpolateName(graph.params.name[index], series.metric);
        graph.params.colorScheme.push(graph.params.lineColours[name] || "#000000");
      });
    });
    drawInReturnedOrder.call(graph, data);
  };
</script>
<style>
  .migration-graph .prom_graph_table { width: 100%; }
  .migration-route { margin-top: 1.5rem; }
  /* Room for the time control, fixed to the bottom of the window, below the last graphs' legends. */
  body { padding-bottom: 3rem; }
</style>
</head>`;

const NAVBAR = `<nav class="navbar fixed-top navbar-expand-sm navbar-dark bg-dark">
  <a class="navbar-brand" href="{{ pathPrefix }}/">Prometheus</a>
  <ul class="navbar-nav">
    <li class="nav-item"><a class="nav-link" href="{{ pathPrefix }}/alerts">Alerts</a></li>
    <li class="nav-item"><a class="nav-link" href="{{ pathPrefix }}/graph">Graph</a></li>
  </ul>
</nav>`;

/** Evaluated by Prometheus as it serves the page; `ALERTS` has a series per firing or pending alert. */
const ALERTS_PANEL = `<section id="migration-alerts">
<h2 class="h4">${templateString(MIGRATION_ALERTS.title)}</h2>
{{ with query ${JSON.stringify(MIGRATION_ALERTS.query)} }}
<table class="table table-sm table-bordered">
<tr><th>alert</th><th>state</th><th>route</th><th>backend</th><th>severity</th></tr>
{{ range sortByLabel "alertstate" . }}
<tr class="migration-alert {{ if eq .Labels.alertstate "firing" }}table-danger{{ else }}table-warning{{ end }}">
<td>{{ .Labels.alertname }}</td><td>{{ .Labels.alertstate }}</td><td>{{ .Labels.route }}</td>
<td>{{ .Labels.backend }}</td><td>{{ .Labels.severity }}</td>
</tr>
{{ end }}
</table>
{{ else }}
<p class="migration-no-alerts">No migration alert is firing or pending.</p>
{{ end }}
<p><a href="{{ pathPrefix }}/alerts">Details and annotations: Prometheus's alerts page</a></p>
</section>`;

function graph(graphSpec: RouteGraph, nodeId: string): string {
  const axis = CONSOLE_AXES[graphSpec.unit];
  const options = [
    `node: document.getElementById(${templateString(nodeId)})`,
    `expr: [${graphSpec.queries.map(({ expr }) => templateString(expr)).join(", ")}]`,
    `name: [${graphSpec.queries.map(({ legend }) => templateString(consoleName(legend))).join(", ")}]`,
    `yUnits: ${templateString(axis.yUnits)}`,
    `yAxisFormatter: ${axis.formatter}`,
    `yHoverFormatter: ${axis.formatter}`,
    `lineColours: JSON.parse(${templateString(JSON.stringify(lineColours(graphSpec)))})`,
    "height: 160",
    // Every figure here is non-negative, and Rickshaw's automatic minimum (the lowest value drawn) would make two
    // nearly equal lines look far apart.
    `min: ${graphSpec.min ?? 0}`,
    ...(graphSpec.max === undefined ? [] : [`max: ${graphSpec.max}`]),
  ];
  return `<div class="col-xl-3 col-md-6 migration-graph" data-graph="${templateString(graphSpec.title)}">
<h3 class="h6">${templateString(graphSpec.title)}</h3>
<div id="${templateString(nodeId)}"></div>
<script>new PromConsole.Graph({ ${options.join(", ")} });</script>
</div>`;
}

function routeSection(routeId: string, routeIndex: number): string {
  const graphs = routeGraphs(routeId).map((graphSpec, graphIndex) =>
    graph(graphSpec, `migration-graph-${routeIndex}-${graphIndex}`),
  );
  return `<section class="migration-route" data-route="${templateString(routeId)}">
<h2 class="h4">${templateString(routeSectionTitle(routeId))}</h2>
<div class="row">
${graphs.join("\n")}
</div>
</section>`;
}

/**
 * The "Flask vs FastAPI" page as a Prometheus console template (Go html/template, with prom.lib's time control): the
 * migration's alerts, then one section per route of the plan (the default route included) with the panels of
 * migrationPanels.ts, the same as the Grafana dashboard's. Graphs are drawn in the browser by prom_console.js.
 */
export function renderMigrationConsole(routeIds: readonly string[]): string {
  return `{{/* Generated from the routing plan by infra/monitoring/migrationConsole.ts; edits here are overwritten. */}}
<!doctype html>
<html lang="en">
${HEAD}
<body>
${NAVBAR}
{{ template "prom_content_head" . }}
<h1 class="h3">${templateString(MIGRATION_VIEW_TITLE)}</h1>
${ALERTS_PANEL}
${routeIds.map(routeSection).join("\n")}
{{ template "prom_content_tail" . }}
{{ template "tail" }}
`;
}
