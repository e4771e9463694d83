// Package names turns Terraform names into the Pulumi tokens the published
// @pulumi/* npm SDKs use, so a provider bridged here answers to the same type
// tokens as the official plugin. Written for this repository.
package names

import (
	"strings"
	"unicode"
)

// Camel converts snake_case to lowerCamel (upper=false) or UpperCamel (upper=true).
func Camel(snake string, upper bool) string {
	var b strings.Builder
	capitalize := upper
	for _, r := range snake {
		if r == '_' {
			capitalize = b.Len() > 0 || upper
			continue
		}
		if capitalize {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(r)
		}
		capitalize = false
	}
	return b.String()
}

// ResourceToken is "pkg:index/lowerCamel:UpperCamel" for a Terraform resource name (prefix already removed).
func ResourceToken(pkg, name string) string {
	return pkg + ":index/" + Camel(name, false) + ":" + Camel(name, true)
}

// FunctionToken is "pkg:index/getUpperCamel:getUpperCamel" for a Terraform data source name.
func FunctionToken(pkg, name string) string {
	fn := "get" + Camel(name, true)
	return pkg + ":index/" + fn + ":" + fn
}
