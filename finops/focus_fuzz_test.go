package finops_test

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/nextportal/portal/finops"
)

// FuzzFOCUSReader feeds arbitrary files to the FOCUS reader: it never panics, refuses a
// file only as ErrInvalid, numbers each rejected row past the header, and every row it
// accepts has a currency code and finite amounts.
func FuzzFOCUSReader(f *testing.F) {
	f.Add(costsSeed)
	f.Add("BilledCost,ChargePeriodStart\n1,2024-01-01\n")
	f.Add("\ufeffBilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,Tags\n\"$1,000.00 \",(2.5),usd,1/2/25,\"{\"\"a\"\": 1}\"\n")
	f.Add("BilledCost,ChargePeriodStart,BillingCurrency\n\"unterminated,2024-01-01,USD\n")
	f.Add("\x1f\x8b\x08\x00")
	f.Fuzz(func(t *testing.T, body string) {
		r, err := finops.NewFOCUSReader(strings.NewReader(body), finops.ImportOptions{})
		if err != nil {
			if !errors.Is(err, finops.ErrInvalid) {
				t.Fatalf("NewFOCUSReader error %v is not ErrInvalid", err)
			}
			return
		}
		for range 10000 {
			c, err := r.Next()
			var re *finops.RowError
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.As(err, &re):
				if re.Line < 2 || re.Reason == "" {
					t.Fatalf("row error %+v: want a line past the header and a reason", re)
				}
			case err != nil:
				return // an I/O error of the gzip stream
			default:
				if len(c.Currency) != 3 || c.ChargePeriodStart.IsZero() {
					t.Fatalf("accepted row %+v: want a currency and a charge period", c)
				}
				for _, x := range []float64{c.BilledCost, c.EffectiveCost, c.ListCost} {
					if math.IsNaN(x) || math.IsInf(x, 0) {
						t.Fatalf("accepted row %+v has a non-finite amount", c)
					}
				}
			}
		}
	})
}

const costsSeed = `BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,BillingPeriodStart,ProviderName,BillingAccountId,ServiceName,ResourceId,Tags
1.25,1.00,USD,2026-03-02 10:00:00,2026-03-01 00:00:00,AWS,acct,Amazon EC2,i-open,"{""application"": ""open-svc""}"
-4.00,NULL,EUR,2026-03-02T12:00:00.5Z,2026-03-01T00:00:00Z,Azure,acct,Storage,b,NULL
`
