// Entry point of the platform project (Pulumi.yaml). The program lives in stacks/platform so tests can import it.
import "./infra/runtime/unmappedBookkeepingStacks";
import { platformProgram } from "./stacks/platform/program";

export = platformProgram;
