import { describe, expect, it } from "vitest";
import { sentryRelease } from "../../infra/monitoring/errorTracking";

describe("an app's Sentry release", () => {
  it.each([
    ["migration/fastapi:0.1.0", "fastapi@0.1.0"],
    ["registry:5000/team/fastapi:1.4.2", "fastapi@1.4.2"],
    ["migration/fastapi@sha256:0123abcd", "fastapi@sha256:0123abcd"],
    ["migration/fastapi:1.4.2@sha256:0123abcd", "fastapi@1.4.2"],
  ])("of image %s is %s: no slash, which Sentry refuses", (image, release) => {
    expect(sentryRelease("fastapi", image)).toBe(release);
  });
});
