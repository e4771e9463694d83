// Lets `go vet` and editors read the plugin; Traefik interprets failoverretry.go without it (it is not uploaded).
module migration.local/failoverretry

go 1.22
