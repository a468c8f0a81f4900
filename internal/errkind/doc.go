// Package errkind holds the kinds of error every capability shares (not found, conflict,
// invalid, forbidden, unauthenticated, unavailable, rate limited) and the error value that
// carries a kind together with the message a client may see.
//
// Domain packages declare their sentinels with New, so errors.Is(err, catalog.ErrNotFound)
// and errors.Is(err, errkind.NotFound) both hold. The store translates driver errors into
// kinds in one place, the API maps kinds to status codes in one place, and the message a
// client sees is the one set with Errorf or Public, never text cut out of an error chain.
// It imports only the standard library.
package errkind
