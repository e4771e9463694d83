// Entry point of the platform project (Pulumi.yaml). The program lives in stacks/platform so tests can import it.
import { leaveBookkeepingStacksUnmapped } from "./infra/runtime/unmappedBookkeepingStacks";
import { platformProgram } from "./stacks/platform/program";

leaveBookkeepingStacksUnmapped();
export = platformProgram;
