//go:build tfgen

// Schema generator entry point for the docker provider (built with -tags tfgen).
package main

import "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"

func generate(version string) { tfgen.Main(packageName, version, providerInfo(version)) }
