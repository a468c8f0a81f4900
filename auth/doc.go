// Package auth is identity: principals, users, tokens and roles, the context helpers that
// carry the caller, and the one Policy that answers "may P do A on R". It imports no HTTP
// code; the middleware lives in package api.
//
// It holds no code yet: the auth and permissions issue builds it.
package auth
