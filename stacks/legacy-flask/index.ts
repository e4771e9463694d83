// Entry point of the legacy-flask project (stacks/legacy-flask/Pulumi.yaml).
import { legacyFlaskProgram } from "./program";

export = legacyFlaskProgram;
