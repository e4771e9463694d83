/** Where the Prometheus image finds its parts: the same on every target. */
export const PROMETHEUS_PORT = 9090;
export const PROMETHEUS_CONFIG_PATH = "/etc/prometheus/prometheus.yml";
/** The recording and alert rules, which never change on a weight step. */
export const PROMETHEUS_RULES_DIRECTORY = "/etc/prometheus/rules";
/** The weight rules, published apart from the other rules: a weight step rewrites them in place. */
export const PROMETHEUS_WEIGHTS_DIRECTORY = "/etc/prometheus/weights";
export const PROMETHEUS_DATA_DIRECTORY = "/prometheus";
/** Where the console pages go. */
export const PROMETHEUS_CONSOLES_DIRECTORY = "/etc/prometheus/consoles";

/** Serve the consoles, with the console libraries (prom.lib, menu.lib) where the image installs them. */
export const PROMETHEUS_CONSOLE_FLAGS: readonly string[] = [
  `--web.console.templates=${PROMETHEUS_CONSOLES_DIRECTORY}`,
  "--web.console.libraries=/etc/prometheus/console_libraries",
];

/** Where Prometheus serves a console, under its UI and API address. */
export const consoleUrlPath = (fileName: string) => `/consoles/${fileName}`;

/** The rule files prometheus.yml must load: the static ones and the weights. */
export const PROMETHEUS_RULE_FILES: readonly string[] = [
  `${PROMETHEUS_RULES_DIRECTORY}/*.rules.yml`,
  `${PROMETHEUS_WEIGHTS_DIRECTORY}/*.rules.yml`,
];
