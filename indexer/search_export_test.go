package indexer

// SetFusion switches s to another hybrid fusion method, until Open takes Options.Fusion.
func (s *Service) SetFusion(f string) { s.fusion = f }
