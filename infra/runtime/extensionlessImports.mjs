// Preloaded (`node --import`) where Node runs the project's TypeScript itself, types stripped: the project writes its
// relative imports without an extension, as the TypeScript compiler resolves them, and Node's ES module resolution
// would refuse `./x` for `./x.ts`. A relative import that Node cannot find is tried again as `.ts`; everything else
// resolves as Node would. Synchronous hooks (Node 22.15+), so nothing starts a loader thread.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      if (!relative || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
      return nextResolve(`${specifier}.ts`, context);
    }
  },
});
