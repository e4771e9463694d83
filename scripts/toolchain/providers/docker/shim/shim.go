// Package shim is copied into a build-time copy of the upstream Terraform
// provider module so that code outside it can reach the provider constructor,
// which lives in an `internal` package. Written for this repository.
package shim

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	upstream "github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// NewProvider returns the upstream SDKv2 provider (the part that backs @pulumi/docker's
// bridged resources; the upstream's plugin-framework part only adds compose, actions and
// data sources that @pulumi/docker 5.x does not expose).
func NewProvider(version string) *schema.Provider { return upstream.New(version)() }
