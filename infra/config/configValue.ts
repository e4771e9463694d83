/**
 * Pulumi hands every config value to the program as a string; structured and numeric ones are JSON. Anything that
 * does not parse as JSON is kept as the string it is (e.g. `docker`).
 */
export function parseConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
