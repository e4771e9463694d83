// Package shim is copied into a build-time copy of the upstream Terraform
// provider module so that code outside it can reach the provider constructor,
// which lives in an `internal` package. Written for this repository.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns the upstream plugin-framework provider.
func NewProvider() provider.Provider { return upstream.New() }
