import { launch, type Browser, type Page } from "puppeteer-core";
import { consoleUrlPath } from "../../infra/monitoring/prometheusLayout";
import { MIGRATION_CONSOLE_FILE } from "../../infra/monitoring/migrationConsole";
import { routeGraphs, type RouteGraph } from "../../infra/monitoring/migrationPanels";
import { BACKENDS } from "../../infra/routing/plan";

/** Debian's `chromium` (scripts/lib.sh installs it with the test tools): puppeteer-core downloads no browser. */
export const CHROMIUM = "/usr/bin/chromium";
/**
 * How long Chromium may take to start: puppeteer's 30 s default was once not enough in a CI run whose disk was saturated
 * (half the time stalled on I/O in /proc/pressure/io), while its 200 MB were read from disk.
 */
export const BROWSER_START_MS = 90_000;

/** Wide enough for a route's four graphs side by side, as on the Grafana dashboard. */
const VIEWPORT_WIDTH = 1600;

export interface PageCheckArgs {
  /** Prometheus's UI from the host, e.g. http://127.0.0.1:19090. */
  readonly prometheusUrl: string;
  /** Every route of the plan, in its order: the page must have a section for each. */
  readonly routeIds: readonly string[];
  /** The routes that send traffic to both backends: each of their graphs must draw all its lines, with data. */
  readonly splitRouteIds: readonly string[];
  /** Where the full-page PNG goes; it is written even when the check fails. */
  readonly screenshotPath: string;
  /** The time range the graphs show, ending now (the page's own default is an hour). */
  readonly rangeSeconds?: number;
  /** How long the page may take to load and draw every graph. */
  readonly timeoutMs?: number;
}

/** One line of a graph, and how many of its points have a value. */
export interface SeriesShown {
  readonly name: string;
  readonly points: number;
}

export interface GraphShown {
  readonly title: string;
  readonly series: readonly SeriesShown[];
  /** What the graph says instead of drawing (prom_console.js: "No timeseries returned", "Error loading data"). */
  readonly message?: string;
}

export interface RouteShown {
  readonly routeId: string;
  readonly graphs: readonly GraphShown[];
}

/** What the page showed, for the e2e report. */
export interface PageCheck {
  readonly url: string;
  /** The alerts panel's text: its table of alerts, or the sentence saying none is firing or pending. */
  readonly alertsPanel: string;
  readonly routes: readonly RouteShown[];
  readonly screenshotPath: string;
  /** How many times the page was loaded: more than once when a change of the host's network spoilt a load. */
  readonly loads: number;
}

/** What the check reads of the page's DOM and of prom_console.js's state (the project compiles without DOM types). */
interface PageElement {
  readonly textContent: string | null;
  readonly innerText: string;
  closest(selector: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getAttribute(name: string): string | null;
}

interface ConsoleGraph {
  readonly params: { readonly node: PageElement };
  readonly graphTd: PageElement;
  readonly rickshawGraph: { readonly series: { name: string; data: { y: number | null }[] }[] } | null;
}

interface ConsolePage {
  readonly document: PageElement & { readonly documentElement: { readonly scrollHeight: number } };
  readonly PromConsole?: { readonly _graph_registry: readonly ConsoleGraph[] };
}

interface GraphOnPage extends GraphShown {
  readonly routeId: string;
}

interface PageSeen {
  readonly sectionRouteIds: string[];
  readonly alertsPanel?: { readonly text: string; readonly alerts: number; readonly noneSentence: boolean };
  readonly graphs: GraphOnPage[];
}

/** Every graph has either drawn or said why not. Runs in the page. */
function everyGraphSettled(): boolean {
  const registry = (globalThis as unknown as ConsolePage).PromConsole?._graph_registry ?? [];
  return (
    registry.length > 0 &&
    registry.every((graph) => graph.rickshawGraph !== null || graph.graphTd.querySelector(".prom_graph_error") !== null)
  );
}

/** Runs in the page: its route sections, its alerts panel, and each graph's lines as drawn. */
function readPage(): PageSeen {
  const { document, PromConsole } = globalThis as unknown as ConsolePage;
  const panel = document.querySelector("#migration-alerts");
  return {
    sectionRouteIds: Array.from(document.querySelectorAll("[data-route]"), (section) =>
      String(section.getAttribute("data-route")),
    ),
    alertsPanel: panel
      ? {
          text: panel.innerText.replace(/\s+/g, " ").trim(),
          alerts: panel.querySelectorAll(".migration-alert").length,
          noneSentence: panel.querySelector(".migration-no-alerts") !== null,
        }
      : undefined,
    graphs: (PromConsole?._graph_registry ?? []).map((graph) => ({
      routeId: String(graph.params.node.closest("[data-route]")?.getAttribute("data-route")),
      title: String(graph.params.node.closest("[data-graph]")?.getAttribute("data-graph")),
      series: (graph.rickshawGraph?.series ?? []).map((line) => ({
        name: line.name,
        points: line.data.filter((point) => point.y !== null).length,
      })),
      message: graph.graphTd.querySelector(".prom_graph_error")?.textContent ?? undefined,
    })),
  };
}

/** The lines a graph of a route that serves both backends must draw: one per backend, or one per fixed legend. */
const expectedLines = (graph: RouteGraph): string[] =>
  graph.queries.flatMap(({ legend }) => ("label" in legend ? [...BACKENDS] : [legend.text]));

const describeLines = (series: readonly SeriesShown[]) =>
  series.length === 0 ? "none" : series.map(({ name, points }) => `${name} (${points} points)`).join(", ");

/** What is missing from what the page showed, each problem naming its route and graph. */
function problemsOf(seen: PageSeen, args: PageCheckArgs): string[] {
  const problems: string[] = [];
  if (seen.sectionRouteIds.join(",") !== args.routeIds.join(","))
    problems.push(`the page has sections for routes [${seen.sectionRouteIds}], expected [${args.routeIds}]`);
  if (!seen.alertsPanel) problems.push("the alerts panel is missing");
  else if (seen.alertsPanel.alerts === 0 && !seen.alertsPanel.noneSentence)
    problems.push(`the alerts panel shows neither alerts nor the "no alert" sentence: ${seen.alertsPanel.text}`);
  for (const routeId of args.routeIds) {
    const shown = seen.graphs.filter((graph) => graph.routeId === routeId);
    const planned = routeGraphs(routeId);
    const [shownTitles, plannedTitles] = [shown, planned].map((graphs) =>
      graphs.map((graph) => graph.title).join(", "),
    );
    if (shownTitles !== plannedTitles) {
      problems.push(`route ${routeId}: graphs [${shownTitles}], expected [${plannedTitles}]`);
      continue;
    }
    if (!args.splitRouteIds.includes(routeId)) continue;
    planned.forEach((graph, index) => {
      const { series, message } = shown[index];
      const missing = expectedLines(graph).filter(
        (name) => !series.some((line) => line.name === name && line.points > 0),
      );
      if (missing.length > 0)
        problems.push(
          `route ${routeId}, graph "${graph.title}": no data for ${missing.join(" and ")}` +
            ` (drawn: ${describeLines(series)}${message ? `; the graph says "${message}"` : ""})`,
        );
    });
  }
  return problems;
}

/**
 * Chromium fails every request in flight with this error when the host's addresses change, loopback's included, and
 * Docker changes them whenever a container starts or stops: its veth comes and goes, and gets an IPv6 address a moment
 * after. On a machine running containers (CI runs the engine's integration tests side by side) a load can so lose a
 * script or a graph's data through no fault of the page; such a load is done again, up to PAGE_LOADS loads in all.
 */
const NETWORK_CHANGED = "net::ERR_NETWORK_CHANGED";
const PAGE_LOADS = 3;

/** Loads the page once, waits for every graph to settle, and returns what went wrong on the way. */
async function openPage(page: Page, url: string, timeoutMs: number): Promise<string[]> {
  const loadProblems: string[] = [];
  page.on("response", (response) => {
    // Chromium asks for a favicon of its own accord; the page links none.
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
      loadProblems.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText;
    // A graph cancels its own queries when it asks again; prom_console.js shows no error for that.
    if (reason !== "net::ERR_ABORTED") loadProblems.push(`${reason} ${request.url()}`);
  });
  page.on("pageerror", (error) => loadProblems.push(`script error: ${error instanceof Error ? error.message : error}`));
  let response;
  try {
    response = await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
  } catch (error) {
    if (!String(error).includes(NETWORK_CHANGED)) throw error;
    return [...loadProblems, `the page itself: ${error}`];
  }
  if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}: ${await response?.text()}`);
  try {
    await page.waitForFunction(everyGraphSettled, { timeout: timeoutMs, polling: 250 });
  } catch {
    loadProblems.push(`not every graph had drawn or given up after ${timeoutMs} ms`);
  }
  return loadProblems;
}

/** The page loaded until a load is not spoilt by a change of the host's network, or PAGE_LOADS times. */
async function openPageOnSteadyNetwork(
  browser: Browser,
  url: string,
  timeoutMs: number,
): Promise<{ page: Page; loadProblems: string[]; loads: number }> {
  for (let loads = 1; ; loads++) {
    const page = await browser.newPage();
    await page.setViewport({ width: VIEWPORT_WIDTH, height: 1000 });
    const loadProblems = await openPage(page, url, timeoutMs);
    if (loads === PAGE_LOADS || !loadProblems.some((problem) => problem.includes(NETWORK_CHANGED)))
      return { page, loadProblems, loads };
    await page.close();
  }
}

/**
 * Opens the "Flask vs FastAPI" console page in headless Chromium as a person would, waits until every graph has
 * drawn, checks that the alerts panel rendered and that every graph of each split route draws both backends (and
 * both the configured weight and the observed share) with data, saves a full-page screenshot, and returns what it
 * saw. Throws, after the screenshot, with every problem found, each naming its route and graph.
 */
export async function checkMigrationPage(args: PageCheckArgs): Promise<PageCheck> {
  const { prometheusUrl, screenshotPath, rangeSeconds = 900, timeoutMs = 20_000 } = args;
  // prom_console.js takes the graphs' range from the URL's fragment; endTime 0 means now.
  const url = `${prometheusUrl}${consoleUrlPath(MIGRATION_CONSOLE_FILE)}#pctc${encodeURIComponent(
    JSON.stringify({ duration: rangeSeconds, endTime: 0 }),
  )}`;
  const browser = await launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: BROWSER_START_MS,
    // As root (CI, the dev machines) Chromium refuses its sandbox; the page is the project's own, on loopback.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  try {
    const { page, loadProblems, loads } = await openPageOnSteadyNetwork(browser, url, timeoutMs);
    const seen = await page.evaluate(readPage);
    // The time control is fixed to the bottom of the window: a window as tall as the page keeps it off the graphs.
    const pageHeight = await page.evaluate(
      () => (globalThis as unknown as ConsolePage).document.documentElement.scrollHeight,
    );
    await page.setViewport({ width: VIEWPORT_WIDTH, height: Math.ceil(pageHeight) });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    const problems = [...loadProblems, ...problemsOf(seen, args)];
    if (problems.length > 0)
      throw new Error(`the migration page ${url} (screenshot: ${screenshotPath}):\n  - ${problems.join("\n  - ")}`);
    return {
      url,
      alertsPanel: seen.alertsPanel?.text ?? "",
      routes: args.routeIds.map((routeId) => ({
        routeId,
        graphs: seen.graphs
          .filter((graph) => graph.routeId === routeId)
          .map(({ title, series, message }) => ({ title, series, ...(message ? { message } : {}) })),
      })),
      screenshotPath,
      loads,
    };
  } finally {
    await browser.close();
  }
}
