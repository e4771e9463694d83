module migration.local/failoverretry

go 1.22
