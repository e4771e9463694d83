import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import emptyPb from "google-protobuf/google/protobuf/empty_pb.js";
import structPb from "google-protobuf/google/protobuf/struct_pb.js";
import providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import providerPb from "@pulumi/pulumi/proto/provider_pb.js";
import { REPO_ROOT } from "./stackConfig";

type Properties = Record<string, unknown>;
const struct = (properties: Properties) => structPb.Struct.fromJavaScript(properties as never);
const plain = (value: structPb.Struct | undefined) => value?.toJavaScript() ?? {};

/** The `volumefile` plugin as the engine starts it, and the calls the engine makes, each as one promise. */
export interface VolumeFilePlugin {
  version(): Promise<string>;
  configure(): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }>;
  check(news: Properties): Promise<Properties>;
  /** The keys that changed; none when the engine is told nothing changed. */
  diff(olds: Properties, news: Properties): Promise<{ changed: string[]; replaces: string[] }>;
  create(properties: Properties): Promise<{ id: string; properties: Properties }>;
  update(olds: Properties, news: Properties): Promise<Properties>;
  read(id: string, properties: Properties): Promise<{ id: string; properties: Properties }>;
  delete(id: string, properties: Properties): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `pulumi-resource-volumefile` from the folder Pulumi.yaml names, with `env` as its whole environment (so its
 * `docker` is whatever PATH there finds first), and connects to the port it prints, as the engine does.
 */
export async function startVolumeFilePlugin(env: NodeJS.ProcessEnv): Promise<VolumeFilePlugin> {
  const plugin: ChildProcess = spawn(
    join(REPO_ROOT, "components", "docker", "volumeFilePlugin", "pulumi-resource-volumefile"),
    ["127.0.0.1:1"],
    { env, stdio: ["ignore", "pipe", "inherit"] },
  );
  const [firstChunk] = (await once(plugin.stdout!, "data")) as [Buffer];
  const port = Number(firstChunk.toString().split("\n")[0]);
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  /** One unary call, as a promise; the method is looked up by name on the generated client. */
  const call = <Response>(method: string, request: unknown): Promise<Response> =>
    new Promise((resolve, reject) =>
      (client as unknown as Record<string, Function>)[method].call(
        client,
        request,
        (error: grpc.ServiceError | null, response: Response) => (error ? reject(error) : resolve(response)),
      ),
    );
  return {
    version: async () => (await call<{ getVersion(): string }>("getPluginInfo", new emptyPb.Empty())).getVersion(),
    configure: async () => {
      const response = await call<providerPb.ConfigureResponse>("configure", new providerPb.ConfigureRequest());
      return { acceptSecrets: response.getAcceptsecrets(), supportsPreview: response.getSupportspreview() };
    },
    check: async (news) =>
      plain(
        (
          await call<providerPb.CheckResponse>("check", new providerPb.CheckRequest().setNews(struct(news)))
        ).getInputs(),
      ),
    diff: async (olds, news) => {
      const response = await call<providerPb.DiffResponse>(
        "diff",
        new providerPb.DiffRequest().setOlds(struct(olds)).setNews(struct(news)),
      );
      const some = response.getChanges() === providerPb.DiffResponse.DiffChanges.DIFF_SOME;
      return { changed: some ? response.getDiffsList() : [], replaces: response.getReplacesList() };
    },
    create: async (properties) => {
      const response = await call<providerPb.CreateResponse>(
        "create",
        new providerPb.CreateRequest().setProperties(struct(properties)),
      );
      return { id: response.getId(), properties: plain(response.getProperties()) };
    },
    update: async (olds, news) =>
      plain(
        (
          await call<providerPb.UpdateResponse>(
            "update",
            new providerPb.UpdateRequest().setOlds(struct(olds)).setNews(struct(news)),
          )
        ).getProperties(),
      ),
    read: async (id, properties) => {
      const response = await call<providerPb.ReadResponse>(
        "read",
        new providerPb.ReadRequest().setId(id).setProperties(struct(properties)),
      );
      return { id: response.getId(), properties: plain(response.getProperties()) };
    },
    delete: async (id, properties) => {
      await call("delete", new providerPb.DeleteRequest().setId(id).setProperties(struct(properties)));
    },
    stop: async () => {
      client.close();
      plugin.kill();
      await once(plugin, "exit");
    },
  };
}
