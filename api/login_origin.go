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
// CSRF). Browsers say where a request comes from in Sec-Fetch-Site, which a page cannot
// set: only "same-origin" and "none" (a navigation the user typed) are the portal's own.
// A browser without fetch metadata is judged by Origin, which must then name the portal's
// host. The portal's pages are sent with Referrer-Policy: no-referrer, under which a
// browser posts its own same-origin forms with "Origin: null", so Origin is only read
// when Sec-Fetch-Site is absent. A request with neither header is not a browser's
// cross-site request (scripts and the CLI send none) and is let through.
func fromOtherSite(r *http.Request) bool {
	switch strings.ToLower(strings.TrimSpace(r.Header.Get("Sec-Fetch-Site"))) {
	case "same-origin", "none":
		return false
	case "":
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
