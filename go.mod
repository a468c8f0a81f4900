module github.com/nextportal/portal

go 1.26
