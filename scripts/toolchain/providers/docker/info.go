// Bridge mapping for the docker provider: Terraform "docker_network" becomes
// "docker:index/network:Network", as in @pulumi/docker.
// Written for this repository; built by scripts/toolchain/ensure-pulumi.sh.
//
// Not provided: @pulumi/docker's native (non-Terraform) resources, docker.Image
// ("docker:index/image:Image") and docker.BuildxImage; they are implemented in
// pulumi-docker's own Go code, which the module proxy does not serve here.
package main

import (
	"context"
	"strings"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimapi "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	names "example.invalid/offline-provider/names"
	"github.com/terraform-providers/terraform-provider-docker/shim"
)

const packageName = "docker"

// Terraform names whose @pulumi/docker names differ from the mechanical mapping.
var resourceRenames = map[string]string{
	"docker_image":  "remote_image",   // docker.RemoteImage; "Image" is pulumi-docker's native builder
	"docker_config": "service_config", // docker.ServiceConfig
}

// Properties whose @pulumi/docker names differ from the bridge's automatic pluralisation (which would give
// "commands" and "networksAdvanceds"): checked against the npm SDK's Args interfaces.
var fieldRenames = map[string]map[string]*tfbridge.SchemaInfo{
	"docker_container": {
		"command":           {Name: "command"},
		"networks_advanced": {Name: "networksAdvanced"},
	},
}

var dataSourceRenames = map[string]string{
	"docker_image": "remote_image", // docker.getRemoteImage
}

func providerInfo(version string) tfbridge.ProviderInfo {
	p := shimv2.NewProvider(shim.NewProvider(version))
	info := tfbridge.ProviderInfo{
		P:            p,
		Name:         packageName,
		Version:      version,
		Description:  "Docker (bridged offline from the upstream Terraform provider)",
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		Resources:    map[string]*tfbridge.ResourceInfo{},
		DataSources:  map[string]*tfbridge.DataSourceInfo{},
	}
	p.ResourcesMap().Range(func(tfName string, _ shimapi.Resource) bool {
		name, ok := resourceRenames[tfName]
		if !ok {
			name = strings.TrimPrefix(tfName, "docker_")
		}
		info.Resources[tfName] = &tfbridge.ResourceInfo{
			Tok:    tokens.Type(names.ResourceToken(packageName, name)),
			Fields: fieldRenames[tfName],
		}
		return true
	})
	// As in @pulumi/docker: a resource without an explicit `name` gets its Pulumi name plus a random suffix, which
	// also lets Pulumi create a replacement before deleting the original.
	info.SetAutonaming(255, "-")
	p.DataSourcesMap().Range(func(tfName string, _ shimapi.Resource) bool {
		name, ok := dataSourceRenames[tfName]
		if !ok {
			name = strings.TrimPrefix(tfName, "docker_")
		}
		info.DataSources[tfName] = &tfbridge.DataSourceInfo{Tok: tokens.ModuleMember(names.FunctionToken(packageName, name))}
		return true
	})
	return info
}

// serve runs the SDKv2 bridge.
func serve(_ context.Context, version string, schema []byte) {
	tfbridge.Main(packageName, version, providerInfo(version), schema)
}
