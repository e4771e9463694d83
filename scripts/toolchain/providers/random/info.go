// Bridge mapping for the random provider: Terraform "random_password" becomes
// "random:index/randomPassword:RandomPassword", as in @pulumi/random.
// Written for this repository; built by scripts/toolchain/ensure-pulumi.sh.
package main

import (
	"context"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimapi "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	names "example.invalid/offline-provider/names"
	"github.com/terraform-providers/terraform-provider-random/shim"
)

const packageName = "random"

func providerInfo(ctx context.Context, version string) tfbridge.ProviderInfo {
	p := pftfbridge.ShimProviderWithContext(ctx, shim.NewProvider())
	info := tfbridge.ProviderInfo{
		P:            p,
		Name:         packageName,
		Version:      version,
		Description:  "Random values (bridged offline from the upstream Terraform provider)",
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		Resources:    map[string]*tfbridge.ResourceInfo{},
	}
	// @pulumi/random keeps the "random_" prefix in its type names (RandomPassword, RandomId, ...).
	p.ResourcesMap().Range(func(tfName string, _ shimapi.Resource) bool {
		info.Resources[tfName] = &tfbridge.ResourceInfo{Tok: tokens.Type(names.ResourceToken(packageName, tfName))}
		return true
	})
	return info
}

// serve runs the plugin-framework bridge.
func serve(ctx context.Context, version string, schema []byte) {
	pftfbridge.Main(ctx, packageName, providerInfo(ctx, version), pftfbridge.ProviderMetadata{PackageSchema: schema})
}
