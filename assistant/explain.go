package assistant

import "context"

// Interpretation is how the pipeline read a question: the intent it answers and the entity
// it is about. It is for tests, evals and debugging.
type Interpretation struct {
	Intent  string `json:"intent"`
	Subject string `json:"subject,omitempty"` // canonical ref; "" when none
}

// Explain says how Ask would read msg after history, as the principal in ctx.
func (s *Service) Explain(ctx context.Context, msg string, history []Turn) (Interpretation, error) {
	es, err := s.visibleEntities(ctx)
	if err != nil {
		return Interpretation{}, err
	}
	u, err := s.understand(ctx, msg, history, newLexicon(es))
	if err != nil {
		return Interpretation{}, err
	}
	in := Interpretation{Intent: string(u.intent)}
	if u.subject != nil {
		in.Subject = refString(u.subject.Ref())
	}
	return in, nil
}
