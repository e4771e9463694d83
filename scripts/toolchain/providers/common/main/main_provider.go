//go:build !tfgen

// Provider plugin entry point shared by the bridged providers. Written for this repository.
package main

import (
	"context"
	_ "embed"
)

// schema.json is generated at build time by this same package built with -tags tfgen.
//
//go:embed schema.json
var schema []byte

// version is set with -ldflags "-X main.version=X.Y.Z" to the version the npm SDK expects.
var version = "0.0.0-dev"

func main() { serve(context.Background(), version, schema) }
