import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";

function gitUserName(): string | undefined {
  try {
    return (
      execFileSync("git", ["config", "user.name"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** Who runs the command, for the update message: $USER, else the git user, else the account name. */
export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  return env.USER || env.LOGNAME || gitUserName() || userInfo().username;
}
