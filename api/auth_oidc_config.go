package api

// OIDCConfig configures OIDC login (the authorization code flow with PKCE) against any
// OIDC issuer.
type OIDCConfig struct {
	Issuer       string // the issuer URL; its discovery document is at Issuer/.well-known/openid-configuration
	ClientID     string
	ClientSecret string
	RedirectURL  string // this portal's callback, https://portal.example.com/auth/oidc/callback
	// Claim names the ID token claim that identifies the catalog user: "email" (the
	// default) matches a User entity's spec.profile.email; any other claim must hold a user
	// ref such as "user:default/jane".
	Claim string
}
