// Entry point of the legacy-flask project (stacks/legacy-flask/Pulumi.yaml).
import "../../infra/runtime/unmappedBookkeepingStacks";
import { legacyFlaskProgram } from "./program";

export = legacyFlaskProgram;
