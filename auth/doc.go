// Package auth is identity and permission: who is asking (Principal, carried in the
// context with NewContext and FromContext), what they may do (the one Policy that answers
// "may P do A on R", including per-entity visibility), and the credentials that establish
// a Principal: local users with argon2id password hashes, API tokens and static tokens
// stored hashed, browser sessions, and users matched from OIDC claims. It imports no HTTP
// code; the middleware and login routes live in package api.
package auth
