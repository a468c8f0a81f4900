package api

import (
	"net/http"
	"net/url"
	"strings"
)

// crossSiteLogin is the message of a login refused because it came from another site.
const crossSiteLogin = "sign-in refused: the request came from another site; open the portal's own login page and sign in there"

// fromOtherSite reports whether a browser sent r on behalf of another site, so that a
// login it carries could sign the victim's browser in to the attacker's account (login
// CSRF). Browsers say where a request comes from in Sec-Fetch-Site (only "same-origin"
// and "none", a navigation the user typed, are the portal's own) and in Origin, which
// must then name the portal's host. A request with neither header is not a browser's
// cross-site request (scripts and the CLI send none) and is let through.
func fromOtherSite(r *http.Request) bool {
	switch strings.ToLower(strings.TrimSpace(r.Header.Get("Sec-Fetch-Site"))) {
	case "", "same-origin", "none":
	default:
		return true
	}
	origin := strings.TrimSpace(r.Header.Get("Origin"))
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return true // "null" (a sandboxed or privacy-sensitive context) or garbage
	}
	return !strings.EqualFold(u.Host, r.Host)
}
