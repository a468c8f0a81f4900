package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/finops"
)

// budgetRoutes are the budget, forecast and recommendation endpoints of finops.
func (s *Server) budgetRoutes() []route {
	return []route{
		{http.MethodGet, v1Prefix + "/budgets", read, s.handleV1(s.getBudgets)},
		{http.MethodPost, v1Prefix + "/budgets", register, s.handleV1(s.postBudget)},
		{http.MethodGet, v1Prefix + "/budgets/:id", read, s.handleV1(s.getBudget)},
		{http.MethodPut, v1Prefix + "/budgets/:id", register, s.handleV1(s.putBudget)},
		{http.MethodDelete, v1Prefix + "/budgets/:id", register, s.handleV1(s.deleteBudget)},
		{http.MethodGet, v1Prefix + "/costs/budget-status", read, s.handleV1(s.getBudgetStatus)},
		{http.MethodGet, v1Prefix + "/costs/forecast", read, s.handleV1(s.getCostForecast)},
		{http.MethodGet, v1Prefix + "/costs/recommendations", read, s.handleV1(s.getCostRecommendations)},
	}
}

func budgetsOff() error {
	return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
		msg: "budgets and cost forecasts are not available on this server"}
}

// budgetRequest is the body of POST /api/v1/budgets and PUT /api/v1/budgets/:id (which
// ignores entity_ref: a budget stays with its entity).
type budgetRequest struct {
	EntityRef string  `json:"entity_ref"`
	Month     string  `json:"month"`
	Amount    float64 `json:"amount"`
	Currency  string  `json:"currency"`
}

// budgetsResponse is GET /api/v1/budgets's answer.
type budgetsResponse struct {
	Budgets []finops.Budget `json:"budgets"`
}

// getBudgets serves GET /api/v1/budgets?entity=: the budgets the caller may see.
func (s *Server) getBudgets(c *gin.Context) error {
	if s.deps.Budgets == nil {
		return budgetsOff()
	}
	ref := c.Query("entity")
	if len(ref) > 300 {
		return inputErrorf("entity: longer than 300 bytes")
	}
	list, err := s.deps.Budgets.List(c.Request.Context(), strings.ToLower(ref))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, budgetsResponse{Budgets: list})
	return nil
}

func (s *Server) postBudget(c *gin.Context) error {
	if s.deps.Budgets == nil {
		return budgetsOff()
	}
	var req budgetRequest
	if err := readJSON(c, &req, true); err != nil {
		return err
	}
	b, err := s.deps.Budgets.Create(c.Request.Context(), finops.Budget{EntityRef: req.EntityRef, Month: req.Month, Amount: req.Amount, Currency: req.Currency})
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusCreated, b)
	return nil
}

func (s *Server) getBudget(c *gin.Context) error {
	if s.deps.Budgets == nil {
		return budgetsOff()
	}
	b, err := s.deps.Budgets.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, b)
	return nil
}

func (s *Server) putBudget(c *gin.Context) error {
	if s.deps.Budgets == nil {
		return budgetsOff()
	}
	var req budgetRequest
	if err := readJSON(c, &req, true); err != nil {
		return err
	}
	b, err := s.deps.Budgets.Update(c.Request.Context(), finops.Budget{ID: c.Param("id"), Month: req.Month, Amount: req.Amount, Currency: req.Currency})
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, b)
	return nil
}

func (s *Server) deleteBudget(c *gin.Context) error {
	if s.deps.Budgets == nil {
		return budgetsOff()
	}
	if err := s.deps.Budgets.Delete(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// budgetStatusResponse is GET /api/v1/costs/budget-status's answer.
type budgetStatusResponse struct {
	Statuses []finops.BudgetStatus `json:"statuses"`
}

// getBudgetStatus serves GET /api/v1/costs/budget-status?entity=&month=: the month-end
// projection against the budget of entity for month (default this month), or of every
// budget the caller may see for this month when entity is not given.
func (s *Server) getBudgetStatus(c *gin.Context) error {
	if s.deps.Budgets == nil {
		return budgetsOff()
	}
	ctx := c.Request.Context()
	ref, month := strings.ToLower(c.Query("entity")), c.Query("month")
	if ref == "" {
		if month != "" {
			return inputErrorf("month: give an entity too")
		}
		sts, err := s.deps.Budgets.Statuses(ctx)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, budgetStatusResponse{Statuses: sts})
		return nil
	}
	st, err := s.deps.Budgets.Status(ctx, ref, month)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, budgetStatusResponse{Statuses: []finops.BudgetStatus{st}})
	return nil
}

// getCostForecast serves GET /api/v1/costs/forecast?entity=|owner=|system=|domain=…
// &currency=&history=&horizon=: the daily cost of what the filter selects and its forecast
// by the model its backtest chooses, with the backtest.
func (s *Server) getCostForecast(c *gin.Context) error {
	if s.deps.Budgets == nil {
		return budgetsOff()
	}
	q := finops.OutlookQuery{Filter: map[string]string{}, Currency: strings.ToUpper(c.Query("currency"))}
	for _, d := range finops.Dimensions {
		if v, ok := c.GetQuery(d); ok {
			q.Filter[d] = v
		}
	}
	var err error
	if q.History, err = intQuery(c, "history", 0, 3*366); err != nil {
		return err
	}
	if q.Horizon, err = intQuery(c, "horizon", 0, 366); err != nil {
		return err
	}
	if v := c.Query("now"); v != "" {
		if q.Now, err = time.Parse(time.DateOnly, v); err != nil {
			return inputErrorf("now %.20q: want a date such as 2026-01-02", v)
		}
	}
	o, err := s.deps.Budgets.Costs().Outlook(c.Request.Context(), q)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, o)
	return nil
}

// intQuery reads the query parameter name as a number in [lo, hi] (0 when absent).
func intQuery(c *gin.Context, name string, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, inputErrorf("%s %.20q: want a number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}

// recommendationsResponse is GET /api/v1/costs/recommendations's answer.
type recommendationsResponse struct {
	Recommendations []finops.Recommendation `json:"recommendations"`
}

// getCostRecommendations serves GET /api/v1/costs/recommendations?from=&to=: spend on
// deprecated and orphaned entities, spend with no owner, and new services (default: the
// last 30 days).
func (s *Server) getCostRecommendations(c *gin.Context) error {
	if s.deps.CostAdvice == nil {
		return budgetsOff()
	}
	from, to, err := timeRange(c)
	if err != nil {
		return err
	}
	if from.IsZero() != to.IsZero() {
		return inputErrorf("give both from and to, or neither")
	}
	recs, err := s.deps.CostAdvice.Recommend(c.Request.Context(), finops.Period{From: from, To: to})
	if err != nil {
		return err
	}
	if recs == nil {
		recs = []finops.Recommendation{}
	}
	writeJSON(c, http.StatusOK, recommendationsResponse{Recommendations: recs})
	return nil
}
