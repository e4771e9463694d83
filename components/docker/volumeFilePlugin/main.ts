// The `volumefile` resource provider: the plugin process the Pulumi engine starts for every VolumeFile
// (components/docker/volumeFile.ts), through `pulumi-resource-volumefile` beside this file. It speaks the engine's
// provider protocol directly (gRPC, with the messages @pulumi/pulumi ships) and loads nothing else but the Docker
// publisher, because it starts twice on every weight step (preview, then update): about a third of a second, where
// Pulumi's dynamic provider, which loads the whole SDK and the TypeScript compiler, took most of one.
import * as grpc from "@grpc/grpc-js";
// Generated CommonJS that Node's named-export detection cannot see through: taken whole, as the default export.
import emptyPb from "google-protobuf/google/protobuf/empty_pb.js";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb.js";
import pluginPb from "@pulumi/pulumi/proto/plugin_pb.js";
import providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import providerPb from "@pulumi/pulumi/proto/provider_pb.js";
import { publishIntoVolume } from "../volumePublisher";
import { changedKeys, volumeFileId, type VolumeFileInputs } from "./volumeFileState";

/** What the engine learns of this plugin; a project plugin (Pulumi.yaml `plugins`) is taken at any version. */
const VERSION = "1.0.0";

const inputsOf = (struct: Struct | undefined) => (struct?.toJavaScript() ?? {}) as unknown as VolumeFileInputs;

function publish({ volumeName, image, reload, directory, fileName, content }: VolumeFileInputs): Promise<void> {
  return publishIntoVolume({ volumeName, image, reload }, { directory, fileName, content });
}

/** One gRPC method from an async function: a rejection reaches the engine as the operation's error, by its message. */
function unary<Request, Response>(
  handle: (request: Request) => Response | Promise<Response>,
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handle(call.request))
      .then(
        (response) => callback(null, response),
        (error: Error) => callback({ code: grpc.status.UNKNOWN, details: error.message }),
      );
  };
}

/** Inputs are the state, as given: nothing to default, and the program has validated every value. */
const check = unary((request: providerPb.CheckRequest) => new providerPb.CheckResponse().setInputs(request.getNews()));

function diffOf(changed: string[]): providerPb.DiffResponse {
  return new providerPb.DiffResponse()
    .setChanges(
      changed.length > 0
        ? providerPb.DiffResponse.DiffChanges.DIFF_SOME
        : providerPb.DiffResponse.DiffChanges.DIFF_NONE,
    )
    .setDiffsList(changed);
}

const provider: grpc.UntypedServiceImplementation = {
  getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(VERSION)),
  // Secrets arrive as plain values (nothing this provider writes is secret), and the engine never asks it to preview
  // a create or an update: the preview's diff says what will change.
  configure: unary(() => new providerPb.ConfigureResponse().setAcceptsecrets(false).setSupportspreview(false)),
  checkConfig: check,
  diffConfig: unary(() => diffOf([])),
  check,
  diff: unary((request: providerPb.DiffRequest) =>
    diffOf(changedKeys(inputsOf(request.getOlds()), inputsOf(request.getNews()))),
  ),
  create: unary(async (request: providerPb.CreateRequest) => {
    const inputs = inputsOf(request.getProperties());
    await publish(inputs);
    return new providerPb.CreateResponse().setId(volumeFileId(inputs)).setProperties(request.getProperties());
  }),
  update: unary(async (request: providerPb.UpdateRequest) => {
    await publish(inputsOf(request.getNews()));
    return new providerPb.UpdateResponse().setProperties(request.getNews());
  }),
  // A refresh keeps the state as recorded: the file is this stack's to write, and the next update rewrites it.
  read: unary((request: providerPb.ReadRequest) =>
    new providerPb.ReadResponse()
      .setId(request.getId())
      .setProperties(request.getProperties())
      .setInputs(request.getInputs() ?? request.getProperties()),
  ),
  // The file stays: its volume goes with the stack, or stays, file and all, with the container that reads it.
  delete: unary((_request: providerPb.DeleteRequest) => new emptyPb.Empty()),
  cancel: unary(() => new emptyPb.Empty()),
};

const server = new grpc.Server();
server.addService(providerGrpc.ResourceProviderService, provider);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(`volumefile provider: could not listen: ${error.message}`);
    process.exit(1);
  }
  // The engine reads the port from the first line of standard output.
  console.log(port);
});
