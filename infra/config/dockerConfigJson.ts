export const DOCKER_CONFIG_JSON_TEXT =
  'a registry credentials document as in ~/.docker/config.json, e.g. {"auths":{"registry.example.com":{"auth":"<base64 user:password>"}}}';

/** Kubernetes refuses a `kubernetes.io/dockerconfigjson` Secret whose data is not a JSON object with `auths`. */
export function isDockerConfigJson(text: string): boolean {
  try {
    const document: unknown = JSON.parse(text);
    if (document === null || typeof document !== "object") return false;
    const auths = (document as { auths?: unknown }).auths;
    return auths !== null && typeof auths === "object" && !Array.isArray(auths);
  } catch {
    return false;
  }
}
