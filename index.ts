// Entry point of the platform project (Pulumi.yaml). The program lives in stacks/platform so tests can import it.
import { platformProgram } from "./stacks/platform/program";

export = platformProgram;
