package finops

// ImportOptions tune one import.
type ImportOptions struct {
	// MaxRejects bounds ImportReport.Rejects (default 100); every rejected row is still
	// counted in ImportReport.Rejected.
	MaxRejects int
	// Progress, when set, is called now and then with the bytes read so far and the rows
	// accepted so far.
	Progress func(bytesRead, rows int64)
	// Provider, BillingAccountID and Currency stand in for the file's ProviderName,
	// BillingAccountId and BillingCurrency where it lacks the column or the row has NULL
	// (the spec's examples omit them). A row left without a currency is rejected.
	Provider         string
	BillingAccountID string
	Currency         string
}

// Reject is a row the import refused, with its line number in the file (the header is line
// 1) and why.
type Reject struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// ImportReport says what an import did.
type ImportReport struct {
	// Rows is the number of data rows read; Accepted + Rejected == Rows.
	Rows     int64 `json:"rows"`
	Accepted int64 `json:"accepted"`
	Rejected int64 `json:"rejected"`
	// Rejects lists the first rejected rows (ImportOptions.MaxRejects).
	Rejects []Reject `json:"rejects"`
	// Scopes are the provider/account/billing periods the import replaced.
	Scopes []Scope `json:"scopes"`
	// Totals are the accepted rows' sums per provider and currency.
	Totals []ProviderTotal `json:"totals"`
	// Unallocated is the accepted rows' EffectiveCost that no rule allocated, per currency.
	Unallocated []Total `json:"unallocated"`
}

// ProviderTotal is a Total of one provider.
type ProviderTotal struct {
	Provider string `json:"provider"`
	Total
}
