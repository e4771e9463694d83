//go:build tfgen

// Schema generator entry point for the random provider (built with -tags tfgen).
package main

import (
	"context"

	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"
)

func generate(version string) { pftfgen.Main(packageName, providerInfo(context.Background(), version)) }
