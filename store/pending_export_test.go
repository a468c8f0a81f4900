package store

// PauseDerivation keeps the store from loading pending search and relation rows in the
// background, as if the process had stopped right after a write: only reads load them.
func (db *DB) PauseDerivation() {
	db.derivation.stop()
}
