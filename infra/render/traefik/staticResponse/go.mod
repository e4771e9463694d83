// Lets `go vet` and editors read the plugin; Traefik interprets staticresponse.go without it (it is not uploaded).
module migration.local/staticresponse

go 1.22
