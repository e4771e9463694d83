// Entry point of the legacy-flask project (stacks/legacy-flask/Pulumi.yaml).
import { leaveBookkeepingStacksUnmapped } from "../../infra/runtime/unmappedBookkeepingStacks";
import { legacyFlaskProgram } from "./program";

leaveBookkeepingStacksUnmapped();
export = legacyFlaskProgram;
