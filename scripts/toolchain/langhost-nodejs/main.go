// pulumi-language-nodejs: a minimal Node.js language host for the Pulumi engine.
//
// Why this exists: on air-gapped machines the official language host
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) may not be
// obtainable from the Go module proxy, while the Node.js side of the protocol
// (@pulumi/pulumi's cmd/run) ships in the project's node_modules. This host
// implements the part of the LanguageRuntime gRPC service that `pulumi preview`,
// `up`, `refresh` and `destroy` need: it starts `node .../@pulumi/pulumi/cmd/run`
// with the flags and environment that script reads, and reports the resource
// plugins declared by the packages in node_modules.
//
// Not implemented (the engine reports "unimplemented"): `pulumi new` templating,
// `pulumi install` (run `npm ci` yourself), code generation, policy-pack and
// component-plugin hosting (RunPlugin), `pulumi convert`.
//
// Written for this repository; built by scripts/toolchain/ensure-pulumi.sh.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	pbempty "google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set with -ldflags "-X main.version=vX.Y.Z" to the release of the sdk/v3 module it is built on, the
// CLI's, as the official host reports the release it ships with.
var version = "v0.0.0-dev"

// exitCodeUserActionable is the exit code @pulumi/pulumi's cmd/run uses after it has already
// logged an actionable error through the engine (nodeJSProcessExitedAfterLoggingUserActionableMessage).
const exitCodeUserActionable = 32

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	tracing       string
}

func main() {
	// The engine passes its own address as the last positional argument; older engines and the
	// official host also accept these flags, so tolerate them rather than fail.
	tracing := flag.String("tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	_ = flag.String("root", "", "Project root path (ignored)")
	_ = flag.String("binary", "", "Unused (compatibility)")
	_ = flag.Bool("typescript", true, "Unused: read from the project's runtime options instead")
	_ = flag.String("tsconfig", "", "Unused: read from the project's runtime options instead")
	_ = flag.String("nodeargs", "", "Unused: read from the project's runtime options instead")
	flag.Parse()

	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-language-nodejs [flags] ENGINE_ADDRESS")
		os.Exit(2)
	}
	host := &nodeHost{engineAddress: flag.Arg(flag.NArg() - 1), tracing: *tracing}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "fatal: could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "fatal: language host RPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

// Handshake accepts the engine's handshake; nothing needs negotiating.
func (h *nodeHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version, "v")}, nil
}

func (h *nodeHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found on PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s --version: %w", node, err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

// GetRequiredPackages lists the resource plugins declared by installed npm packages (the
// "pulumi": {"resource": true, ...} block of their package.json), so the engine can check
// they are installed before the program runs.
func (h *nodeHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := scanPulumiPackages(programDirectory(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

// GetRequiredPlugins serves engines older than GetRequiredPackages.
func (h *nodeHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	deps, err := scanPulumiPackages(programDirectory(req.GetInfo(), req.GetPwd()))
	if err != nil {
		return nil, err
	}
	var plugins []*pulumirpc.PluginDependency
	for _, d := range deps {
		if d.GetParameterization() != nil {
			continue // parameterized packages cannot be expressed as plain plugins
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: d.GetName(), Kind: d.GetKind(), Version: d.GetVersion(), Server: d.GetServer(),
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *nodeHost) InstallDependencies(
	*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return status.Error(codes.Unimplemented,
		"this offline language host does not install dependencies: run `npm ci` in the project first")
}

// Run starts the program under node and waits for it.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	progDir := programDirectory(req.GetInfo(), req.GetPwd())
	runScript, err := findRunScript(progDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find `node` on PATH: " + err.Error()}, nil
	}

	opts := req.GetInfo().GetOptions().AsMap()
	var args []string
	if nodeargs, ok := opts["nodeargs"].(string); ok && nodeargs != "" {
		args = append(args, strings.Fields(nodeargs)...)
	}
	args = append(args, runScript)
	args = append(args, "--monitor", req.GetMonitorAddress(), "--engine", h.engineAddress)
	addFlag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	addFlag("organization", req.GetOrganization())
	addFlag("project", req.GetProject())
	addFlag("stack", req.GetStack())
	addFlag("pwd", progDir)
	addFlag("root-directory", req.GetInfo().GetRootDirectory())
	addFlag("tracing", h.tracing)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetQueryMode() {
		args = append(args, "--query-mode")
	}
	if req.GetParallel() > 0 {
		addFlag("parallel", fmt.Sprint(req.GetParallel()))
	}
	entry := req.GetInfo().GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram()
	}
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	env, err := programEnv(req, opts)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = progDir
	cmd.Env = env
	// The engine captures this process's stdout/stderr and shows it as program output.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Exited() &&
				ws.ExitStatus() == exitCodeUserActionable {
				// The program already reported its error through the engine.
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with %v", exitErr)}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run program: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// programEnv builds the environment @pulumi/pulumi reads: config, secret keys and TypeScript settings.
func programEnv(req *pulumirpc.RunRequest, opts map[string]any) ([]string, error) {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("encoding config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("encoding config secret keys: %w", err)
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON),
	)
	// TypeScript is on unless the project says `runtime.options.typescript: false`.
	typescript := true
	if v, ok := opts["typescript"].(bool); ok {
		typescript = v
	}
	env = append(env, fmt.Sprintf("PULUMI_NODEJS_TYPESCRIPT=%t", typescript))
	if tsconfig, ok := opts["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return env, nil
}

// programDirectory prefers the engine's ProgramInfo and falls back to the request's pwd.
func programDirectory(info *pulumirpc.ProgramInfo, pwd string) string {
	if dir := info.GetProgramDirectory(); dir != "" {
		return dir
	}
	if pwd != "" {
		return pwd
	}
	wd, _ := os.Getwd()
	return wd
}

// findRunScript resolves @pulumi/pulumi/cmd/run the way Node's module resolution would:
// the nearest node_modules walking up from the program directory.
func findRunScript(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if parent := filepath.Dir(d); parent == d {
			break
		}
	}
	return "", fmt.Errorf("could not find @pulumi/pulumi in node_modules above %s: run `npm ci` first", dir)
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  *struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   string `json:"value"` // base64
		} `json:"parameterization"`
	} `json:"pulumi"`
}

// scanPulumiPackages reads the top level of the nearest node_modules (including @scope folders).
func scanPulumiPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	var modules string
	for d := dir; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, "node_modules")); err == nil && st.IsDir() {
			modules = filepath.Join(d, "node_modules")
			break
		}
		if parent := filepath.Dir(d); parent == d {
			return nil, nil // no dependencies installed: nothing to report
		}
	}

	var manifests []string
	entries, err := os.ReadDir(modules)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", modules, err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "@") {
			scoped, err := os.ReadDir(filepath.Join(modules, e.Name()))
			if err != nil {
				continue
			}
			for _, s := range scoped {
				manifests = append(manifests, filepath.Join(modules, e.Name(), s.Name(), "package.json"))
			}
			continue
		}
		manifests = append(manifests, filepath.Join(modules, e.Name(), "package.json"))
	}

	seen := map[string]bool{}
	var deps []*pulumirpc.PackageDependency
	for _, path := range manifests {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var pkg packageJSON
		if err := json.Unmarshal(data, &pkg); err != nil || pkg.Pulumi == nil || !pkg.Pulumi.Resource {
			continue
		}
		name := pkg.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(pkg.Name, "@pulumi/")
		}
		ver := pkg.Pulumi.Version
		if ver == "" {
			ver = pkg.Version
		}
		dep := &pulumirpc.PackageDependency{
			Kind: "resource", Name: name, Version: strings.TrimPrefix(ver, "v"), Server: pkg.Pulumi.Server,
		}
		if p := pkg.Pulumi.Parameterization; p != nil {
			value, err := base64.StdEncoding.DecodeString(p.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: bad parameterization value: %w", path, err)
			}
			dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: value}
		}
		key := dep.Name + "@" + dep.Version
		if dep.Parameterization != nil {
			key += "/" + dep.Parameterization.Name
		}
		if !seen[key] {
			seen[key] = true
			deps = append(deps, dep)
		}
	}
	return deps, nil
}
