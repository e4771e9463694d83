import { describe, expect, it } from "vitest";
import { isDockerConfigJson } from "../../infra/config/dockerConfigJson";
import { withRegistry } from "../../infra/config/imageReference";
import { checkTargetUnchanged, deployedTargetOf } from "../../infra/routing/targetGuard";

describe("the image registry prefix", () => {
  it.each([
    ["migration/fastapi:0.2.0", "10.250.0.254:5000/migration/fastapi:0.2.0"],
    ["postgres:15", "10.250.0.254:5000/postgres:15"],
    ["registry.example.com/team/app:1", "registry.example.com/team/app:1"],
    ["10.0.0.1:5000/app:1", "10.0.0.1:5000/app:1"],
    ["localhost/app:1", "localhost/app:1"],
  ])("%s is pulled as %s", (image, pulled) => {
    expect(withRegistry(image, "10.250.0.254:5000")).toBe(pulled);
  });

  it("leaves every image as it is without a registry", () => {
    expect(withRegistry("migration/fastapi:0.2.0", undefined)).toBe("migration/fastapi:0.2.0");
  });
});

describe("registry credentials", () => {
  it.each([
    ['{"auths":{"registry.example.com":{"auth":"dTpw"}}}', true],
    ['{"auths":{}}', true],
    ['{"auths":[]}', false],
    ["{}", false],
    ["user:password", false],
  ])("%s is a .dockerconfigjson document: %s", (text, valid) => {
    expect(isDockerConfigJson(text)).toBe(valid);
  });
});

describe("the target a stack stays on", () => {
  it("reads the exported target, and Docker for a stack deployed before it was exported", () => {
    expect(deployedTargetOf(true, "kubernetes")).toBe("kubernetes");
    expect(deployedTargetOf(true, undefined)).toBe("docker");
    expect(deployedTargetOf(false, undefined)).toBeUndefined();
  });

  it("refuses another target only for a deployed stack", () => {
    expect(checkTargetUnchanged(undefined, "kubernetes", "migration")).toEqual([]);
    expect(checkTargetUnchanged("kubernetes", "kubernetes", "migration")).toEqual([]);
    expect(checkTargetUnchanged("docker", "kubernetes", "migration")).toEqual([
      expect.objectContaining({ key: "migration:target", value: "kubernetes" }),
    ]);
  });
});
