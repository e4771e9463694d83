//go:build tfgen

// Schema generator entry point shared by the bridged providers: `tfgen schema --out DIR`.
// Written for this repository.
package main

var version = "0.0.0-dev"

func main() { generate(version) }
