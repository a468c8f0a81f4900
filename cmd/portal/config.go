package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/finops"
)

// Config is every setting of the portal. Values come from defaults, then PORTAL_* (and the
// usual DATABASE_URL) environment variables, then flags.
type Config struct {
	Addr              string
	DataDir           string
	DatabaseURL       string
	FileLocationRoots []string
	Demo              bool
	LogFormat         string
	LogLevel          string
	MaxBodyBytes      int64
	ShutdownTimeout   time.Duration
	RefreshInterval   time.Duration
	PprofAddr         string        // where net/http/pprof listens (serve); empty means off
	ReadModel         bool          // serve catalog reads from the in-memory read model
	ReadModelResync   time.Duration // how often serve rebuilds the read model from the database; 0: only after its own writes

	StaticTokens     commaList // NAME:TOKEN[:ROLE[:SCOPE]] entries; parsed by staticTokens
	SessionTTL       time.Duration
	CredentialTTL    time.Duration // how long a checked token or session is trusted; 0: check every request
	SecureCookies    bool
	MetricsPublic    bool
	TrustedProxies   commaList
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret secret
	OIDCRedirectURL  string
	OIDCClaim        string
	OIDCRole         string

	DocsDirs      []string // folders of markdown docs with no owning entity, indexed for search
	OpenAIBaseURL string
	OpenAIAPIKey  secret
	EmbedModel    string
	EmbedDims     int64
	SearchFusion  string
	ChatModel     string // the assistant's chat model at OpenAIBaseURL; empty means the local composer

	PortalBaseURL       string    // the portal's public URL, for links in Slack answers and MCP results
	SlackSigningSecret  secret    // the Slack app's signing secret; setting it turns the Slack bot on
	SlackBotToken       secret    // the Slack app's bot token (xoxb-…), for users.info and chat.postMessage
	SlackAPIURL         string    // Slack's Web API base URL
	ScaffolderActionMap commaList // FROM=publish:git entries: actions run as publish:git
	ScaffolderWorkers   int64
	ScaffolderReposDir  string        // where publish:git creates repositories; default DATA_DIR/scaffolder/repos
	AnomalyDetector     string        // the detector that scores every series (anomaly.Names)
	MetricsRetention    time.Duration // how long metric points are kept; 0 keeps them
	PrometheusURL       string        // a Prometheus server to pull PrometheusQueries from
	PrometheusQueries   string        // JSON array of {series, query, labels}
	PrometheusInterval  time.Duration
	PrometheusStep      time.Duration
	PrometheusLookback  time.Duration

	AlertsSlackWebhookURL secret        // a Slack incoming webhook alerts are posted to
	AlertsWebhookURL      string        // a generic webhook alerts are POSTed to as signed JSON
	AlertsWebhookSecret   secret        // the HMAC-SHA256 key of the generic webhook's signature
	AlertsRetries         int64         // tries per delivery before it is dead
	AlertsBackoff         time.Duration // delay before the first retry, doubled each time
	AlertsInterval        time.Duration // how often the alert engine and the delivery worker run

	PostmortemDirs      []string      // folders of postmortem markdown imported as past incidents
	IncidentGroupWindow time.Duration // anomalies this close to an open incident's last one join it
	IncidentQuietPeriod time.Duration // an anomaly incident with no anomaly for this long resolves

	FinOpsTagRules           string        // allocation tag rules (finops.ParseRules)
	FinOpsReallocateInterval time.Duration // how often serve checks the catalog for changes to reallocate costs; 0: never
	FinOpsCheckInterval      time.Duration // how often serve checks budgets and spikes for cost alerts; 0: never
	FinOpsBudgetAlertPercent int64         // the share of a budget (in %) the month-end projection must reach to alert
	FinOpsSpikePercent       int64         // how far (in %) above its seasonal baseline a day's cost must be to alert
	FinOpsSpikeMinAmount     int64         // how much above its baseline (in the cost's currency) a day must be to alert
}

func defaultConfig() Config {
	return Config{
		Addr:              ":7007",
		DataDir:           "data",
		LogFormat:         "text",
		LogLevel:          "info",
		MaxBodyBytes:      1 << 20,
		ShutdownTimeout:   15 * time.Second,
		RefreshInterval:   5 * time.Minute,
		ReadModel:         true,
		ReadModelResync:   time.Minute,
		SessionTTL:        12 * time.Hour,
		CredentialTTL:     auth.DefaultCredentialTTL,
		OIDCClaim:         "email",
		OIDCRole:          "developer",
		SlackAPIURL:       "https://slack.com/api/",
		ScaffolderWorkers: 2,

		AnomalyDetector:    "seasonal",
		MetricsRetention:   30 * 24 * time.Hour,
		PrometheusInterval: time.Minute,
		PrometheusStep:     time.Minute,
		PrometheusLookback: time.Hour,

		AlertsRetries:            5,
		AlertsBackoff:            30 * time.Second,
		AlertsInterval:           15 * time.Second,
		IncidentGroupWindow:      30 * time.Minute,
		IncidentQuietPeriod:      time.Hour,
		FinOpsTagRules:           finops.DefaultRules().String(),
		FinOpsReallocateInterval: time.Minute,
		FinOpsCheckInterval:      time.Hour,
		FinOpsBudgetAlertPercent: 100,
		FinOpsSpikePercent:       50,
		FinOpsSpikeMinAmount:     10,
	}
}

// setting is one configurable value: its group, its flag, its environment variable and
// where it goes.
type setting struct {
	group            string
	flag, env, usage string
	ptr              any // *string, *bool, *int64, *time.Duration, *[]string (colon-separated) or *commaList
}

// Groups of settings. A command takes whole groups (and, rarely, single settings) by
// naming them in commandSettings.
const (
	groupStore     = "store"      // which database: data dir, DATABASE_URL
	groupLog       = "log"        // log format and level
	groupCatalog   = "catalog"    // where file locations may be read
	groupServer    = "server"     // the HTTP server and its background work
	groupAuth      = "auth"       // tokens, sessions and OIDC
	groupSearch    = "search"     // docs folders, embeddings endpoint, fusion
	groupAssistant = "assistant"  // the chat model the assistant answers with
	groupSlack     = "slack"      // the Slack bot
	groupScaffold  = "scaffolder" // template runs: workers, publish mapping, repositories
	groupAnomaly   = "anomaly"    // metric series, detection and the Prometheus pull
	groupAlerts    = "alerts"     // alert delivery: Slack and webhook channels, retries
	groupIncidents = "incidents"  // postmortem folders, anomaly grouping
	groupFinOps    = "finops"     // cost allocation
)

// commandSettings says which settings each command takes, by group or by flag name. A
// test fails when a name here is neither.
var commandSettings = map[string][]string{
	"serve":          {groupStore, groupLog, groupCatalog, groupServer, groupAuth, groupSearch, groupAssistant, groupSlack, groupScaffold, groupAnomaly, groupAlerts, groupIncidents, groupFinOps},
	"template":       {groupStore, groupLog, groupCatalog, groupScaffold},
	"migrate":        {groupStore, groupLog},
	"catalog":        {groupStore, groupLog, groupCatalog},
	"user":           {groupStore, groupLog, groupCatalog},
	"token":          {groupStore, groupLog, groupCatalog},
	"index":          {groupStore, groupLog, groupCatalog, groupSearch},
	"reindex":        {groupStore, groupLog, groupCatalog, groupSearch},
	"search":         {groupStore, groupLog, groupCatalog, groupSearch},
	"eval retrieval": {"database-url", groupLog, "openai-base-url", "openai-api-key", "embed-model", "embed-dims"},
	"healthcheck":    {"addr"},
	"eval assistant": {groupLog, "openai-base-url", "openai-api-key", "chat-model"},
	"eval nab":       {groupLog},
	"eval forecast":  {groupLog},
	"metrics import": {groupStore, groupLog, "anomaly-detector"},
	"ask":            {groupStore, groupLog, groupCatalog, groupSearch, groupAssistant, groupFinOps},

	// incidents
	"incidents list":   {groupStore, groupLog},
	"incidents show":   {groupStore, groupLog},
	"incidents import": {groupStore, groupLog, groupCatalog, groupIncidents},

	// FinOps.
	"costs import":     {groupStore, groupLog, groupCatalog, groupFinOps},
	"costs reallocate": {groupStore, groupLog, groupCatalog, groupFinOps},
}

// settingsNamed returns the settings that names (groups or flag names) select, in the
// order settings lists them, or an error naming what matches nothing.
func (c *Config) settingsNamed(names []string) ([]setting, error) {
	all := c.settings()
	var errs []error
	for _, n := range names {
		if !slices.ContainsFunc(all, func(s setting) bool { return s.group == n || s.flag == n }) {
			errs = append(errs, fmt.Errorf("no setting or group of settings named %q", n))
		}
	}
	var out []setting
	for _, s := range all {
		if slices.Contains(names, s.group) || slices.Contains(names, s.flag) {
			out = append(out, s)
		}
	}
	return out, errors.Join(errs...)
}

func (c *Config) settings() []setting {
	return []setting{
		{groupServer, "addr", "PORTAL_ADDR", "address to listen on", &c.Addr},
		{groupStore, "data-dir", "PORTAL_DATA_DIR", "directory for the embedded database (portal.db), indexes and demo files", &c.DataDir},
		{groupStore, "database-url", "DATABASE_URL", "PostgreSQL URL (postgres://...); empty means the embedded SQLite database", &c.DatabaseURL},
		{groupCatalog, "file-location-roots", "PORTAL_FILE_LOCATION_ROOTS", "colon-separated directories file locations may read from (default: the working directory)", &c.FileLocationRoots},
		{groupServer, "demo", "PORTAL_DEMO", "load the demo organisation at start", &c.Demo},
		{groupLog, "log-format", "PORTAL_LOG_FORMAT", "log format: text or json", &c.LogFormat},
		{groupLog, "log-level", "PORTAL_LOG_LEVEL", "log level: debug, info, warn or error", &c.LogLevel},
		{groupServer, "max-body-bytes", "PORTAL_MAX_BODY_BYTES", "largest request body accepted, in bytes", &c.MaxBodyBytes},
		{groupServer, "shutdown-timeout", "PORTAL_SHUTDOWN_TIMEOUT", "how long a graceful shutdown waits for requests in flight", &c.ShutdownTimeout},
		{groupServer, "refresh-interval", "PORTAL_REFRESH_INTERVAL", "how often every location is re-read; 0 turns periodic refresh off", &c.RefreshInterval},
		{groupServer, "pprof-addr", "PORTAL_PPROF_ADDR", "address for a net/http/pprof listener (e.g. 127.0.0.1:6060); empty means off. Profiles reveal internals: bind it to loopback", &c.PprofAddr},
		{groupServer, "read-model", "PORTAL_READ_MODEL", "answer catalog reads from an in-memory model of the catalog kept current from the database (false: every read queries the database)", &c.ReadModel},
		{groupServer, "read-model-resync", "PORTAL_READ_MODEL_RESYNC", "how often serve checks whether the database changed behind it (other replicas' writes) and then rebuilds the read model; 0 means only after its own writes", &c.ReadModelResync},
		{groupAuth, "static-tokens", "PORTAL_STATIC_TOKENS", "comma-separated NAME:TOKEN[:ROLE[:SCOPE]] tokens for automation (role default viewer, scope default read)", &c.StaticTokens},
		{groupAuth, "session-ttl", "PORTAL_SESSION_TTL", "how long a browser session lasts", &c.SessionTTL},
		{groupAuth, "credential-ttl", "PORTAL_CREDENTIAL_TTL", "how long a checked API token or session is trusted before the database is read again: a revocation, disabled user or role change made by another process (the CLI, another replica) applies within it; changes made through this server apply at once; 0 checks every request", &c.CredentialTTL},
		{groupAuth, "secure-cookies", "PORTAL_SECURE_COOKIES", "mark session cookies Secure (set it when the portal is served over HTTPS)", &c.SecureCookies},
		{groupServer, "metrics-public", "PORTAL_METRICS_PUBLIC", "serve /metrics without a token", &c.MetricsPublic},
		{groupServer, "trusted-proxies", "PORTAL_TRUSTED_PROXIES", "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For is believed (default: none)", &c.TrustedProxies},
		{groupAuth, "oidc-issuer", "PORTAL_OIDC_ISSUER", "OIDC issuer URL; setting it enables single sign-on", &c.OIDCIssuer},
		{groupAuth, "oidc-client-id", "PORTAL_OIDC_CLIENT_ID", "OIDC client id", &c.OIDCClientID},
		{groupAuth, "oidc-client-secret", "PORTAL_OIDC_CLIENT_SECRET", "OIDC client secret", &c.OIDCClientSecret},
		{groupAuth, "oidc-redirect-url", "PORTAL_OIDC_REDIRECT_URL", "OIDC redirect URL, https://portal.example.com/auth/oidc/callback", &c.OIDCRedirectURL},
		{groupAuth, "oidc-claim", "PORTAL_OIDC_CLAIM", "ID token claim matched to a catalog User: email (spec.profile.email) or a claim holding a user ref", &c.OIDCClaim},
		{groupAuth, "oidc-role", "PORTAL_OIDC_ROLE", "role of OIDC users without a local account: viewer, developer or admin", &c.OIDCRole},
		{groupSearch, "docs-dirs", "PORTAL_DOCS_DIRS", "colon-separated folders of markdown docs owned by no entity, indexed for search (entities' TechDocs folders are indexed anyway)", &c.DocsDirs},
		{groupSearch, "openai-base-url", "OPENAI_BASE_URL", "OpenAI-compatible API base URL including /v1 (e.g. http://localhost:11434/v1); empty means the offline local embedder", &c.OpenAIBaseURL},
		{groupSearch, "openai-api-key", "OPENAI_API_KEY", "API key for OPENAI_BASE_URL", &c.OpenAIAPIKey},
		{groupSearch, "embed-model", "PORTAL_EMBED_MODEL", "embedding model at OPENAI_BASE_URL (default text-embedding-3-small)", &c.EmbedModel},
		{groupSearch, "search-fusion", "PORTAL_SEARCH_FUSION", "how hybrid search fuses BM25 and vectors: convex (bm25/max + λ·cos, the default) or rrf (reciprocal rank fusion)", &c.SearchFusion},
		{groupSearch, "embed-dims", "PORTAL_EMBED_DIMS", "dimensions of PORTAL_EMBED_MODEL's vectors; 0 means known for OpenAI's models, else asked of the server at start", &c.EmbedDims},
		{groupScaffold, "scaffolder-action-map", "PORTAL_SCAFFOLDER_ACTION_MAP", "comma-separated ACTION=publish:git entries: template actions the portal cannot run (publish:github, publish:gitlab, …) run as publish:git into a local bare repository", &c.ScaffolderActionMap},
		{groupScaffold, "scaffolder-workers", "PORTAL_SCAFFOLDER_WORKERS", "how many template tasks run at once", &c.ScaffolderWorkers},
		{groupScaffold, "scaffolder-repos-dir", "PORTAL_SCAFFOLDER_REPOS_DIR", "where publish:git creates bare repositories (default DATA_DIR/scaffolder/repos)", &c.ScaffolderReposDir},
		{groupAnomaly, "anomaly-detector", "PORTAL_ANOMALY_DETECTOR", "detector that scores every metric series: ensemble, seasonal, robustz, diffz, holtwinters or cusum", &c.AnomalyDetector},
		{groupAnomaly, "metrics-retention", "PORTAL_METRICS_RETENTION", "how long metric points are kept; 0 keeps them forever", &c.MetricsRetention},
		{groupAnomaly, "prometheus-url", "PORTAL_PROMETHEUS_URL", "Prometheus server whose query_range API the queries are pulled from; empty turns the pull off", &c.PrometheusURL},
		{groupAnomaly, "prometheus-queries", "PORTAL_PROMETHEUS_QUERIES", `JSON array of {"series":NAME,"query":PROMQL,"labels":{"entity":"component:default/x"}} to pull`, &c.PrometheusQueries},
		{groupAnomaly, "prometheus-interval", "PORTAL_PROMETHEUS_INTERVAL", "how often the queries are pulled", &c.PrometheusInterval},
		{groupAnomaly, "prometheus-step", "PORTAL_PROMETHEUS_STEP", "query_range resolution step", &c.PrometheusStep},
		{groupIncidents, "postmortem-dirs", "PORTAL_POSTMORTEM_DIRS", "colon-separated folders whose markdown files are postmortems, imported as past incidents at start and on every refresh", &c.PostmortemDirs},
		{groupIncidents, "incident-group-window", "PORTAL_INCIDENT_GROUP_WINDOW", "an anomaly this close to its series' open incident's last anomaly joins that incident", &c.IncidentGroupWindow},
		{groupIncidents, "incident-quiet-period", "PORTAL_INCIDENT_QUIET_PERIOD", "an anomaly incident with no new anomaly for this long resolves", &c.IncidentQuietPeriod},
		{groupAnomaly, "prometheus-lookback", "PORTAL_PROMETHEUS_LOOKBACK", "how far back a pull reads (points already stored are skipped)", &c.PrometheusLookback},
		{groupFinOps, "finops-tag-rules", "PORTAL_FINOPS_TAG_RULES", "cost allocation rules: component=TAG,…;group=TAG,…;shared=TAG,…;shared-with=TAG,… (tag keys tried in order)", &c.FinOpsTagRules},
		{groupFinOps, "finops-reallocate-interval", "PORTAL_FINOPS_REALLOCATE_INTERVAL", "how often serve checks whether the catalog changed and reallocates costs; 0 never", &c.FinOpsReallocateInterval},
		{groupFinOps, "finops-check-interval", "PORTAL_FINOPS_CHECK_INTERVAL", "how often serve checks budget projections and daily spikes and sends cost alerts; 0 never", &c.FinOpsCheckInterval},
		{groupFinOps, "finops-budget-alert-percent", "PORTAL_FINOPS_BUDGET_ALERT_PERCENT", "cost alert when a month-end projection reaches this percentage of its budget", &c.FinOpsBudgetAlertPercent},
		{groupFinOps, "finops-spike-percent", "PORTAL_FINOPS_SPIKE_PERCENT", "cost alert when a day costs this many percent above its seasonal baseline (and the detector agrees)", &c.FinOpsSpikePercent},
		{groupFinOps, "finops-spike-min-amount", "PORTAL_FINOPS_SPIKE_MIN_AMOUNT", "a spike must also exceed its baseline by this amount of its currency", &c.FinOpsSpikeMinAmount},
		{groupAssistant, "chat-model", "PORTAL_CHAT_MODEL", "chat model at OPENAI_BASE_URL the assistant answers with (e.g. gpt-4o-mini, llama3.1); empty means the offline local composer", &c.ChatModel},
		{groupServer, "base-url", "PORTAL_BASE_URL", "the portal's public URL (https://portal.example.com), for links in Slack answers and MCP results", &c.PortalBaseURL},
		{groupSlack, "slack-signing-secret", "SLACK_SIGNING_SECRET", "the Slack app's signing secret; setting it serves the Slack bot at /slack/*", &c.SlackSigningSecret},
		{groupSlack, "slack-bot-token", "SLACK_BOT_TOKEN", "the Slack app's bot token (xoxb-…): users.info and chat.postMessage", &c.SlackBotToken},
		{groupSlack, "slack-api-url", "SLACK_API_URL", "Slack's Web API base URL", &c.SlackAPIURL},
		{groupAlerts, "alerts-slack-webhook-url", "PORTAL_ALERTS_SLACK_WEBHOOK_URL", "Slack incoming webhook URL alerts are posted to (Block Kit); empty means no Slack channel", &c.AlertsSlackWebhookURL},
		{groupAlerts, "alerts-webhook-url", "PORTAL_ALERTS_WEBHOOK_URL", "URL alerts are POSTed to as JSON, signed with PORTAL_ALERTS_WEBHOOK_SECRET; empty means no webhook channel", &c.AlertsWebhookURL},
		{groupAlerts, "alerts-webhook-secret", "PORTAL_ALERTS_WEBHOOK_SECRET", "HMAC-SHA256 key: the webhook's X-Portal-Signature is sha256=<hex HMAC of the body>", &c.AlertsWebhookSecret},
		{groupAlerts, "alerts-retries", "PORTAL_ALERTS_RETRIES", "tries per delivery before it is dead (visible and re-sendable at /api/v1/deliveries)", &c.AlertsRetries},
		{groupAlerts, "alerts-backoff", "PORTAL_ALERTS_BACKOFF", "delay before a delivery's first retry, doubled for each later one (jittered, at most 1h)", &c.AlertsBackoff},
		{groupAlerts, "alerts-interval", "PORTAL_ALERTS_INTERVAL", "how often the alert engine follows incidents and the delivery worker sends what is due", &c.AlertsInterval},
	}
}

// newFlagSet returns a flag set for a subcommand that takes the named settings (groups or
// flag names, as in commandSettings), with their defaults already read from env. Errors in
// env values are returned after parsing.
func (c *Config) newFlagSet(name, synopsis string, stderr io.Writer, env func(string) string, names ...string) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: portal %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	selected, err := c.settingsNamed(names)
	if err != nil {
		panic(fmt.Sprintf("command %s: %v", name, err)) // a programmer's mistake; TestCommandSettings catches it
	}
	var errs []error
	for _, s := range selected {
		if v := env(s.env); v != "" {
			if err := setValue(s.ptr, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", s.env, err))
			}
		}
		usage := s.usage + " (env " + s.env + ")"
		switch p := s.ptr.(type) {
		case *string:
			fs.StringVar(p, s.flag, *p, usage)
		case *bool:
			fs.BoolVar(p, s.flag, *p, usage)
		case *int64:
			fs.Int64Var(p, s.flag, *p, usage)
		case *time.Duration:
			fs.DurationVar(p, s.flag, *p, usage)
		case *[]string:
			fs.Var((*listValue)(p), s.flag, usage)
		case *commaList:
			fs.Var(p, s.flag, usage)
		case *secret:
			fs.Var(p, s.flag, usage)
		}
	}
	return fs, errors.Join(errs...)
}

func setValue(ptr any, v string) error {
	switch p := ptr.(type) {
	case *string:
		*p = v
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*p = b
	case *int64:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*p = n
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 30s or 5m", v)
		}
		*p = d
	case *[]string:
		return (*listValue)(p).Set(v)
	case *commaList:
		return p.Set(v)
	case *secret:
		return p.Set(v)
	}
	return nil
}

// secret is a string flag whose value (a key or password) never appears in help or logs.
type secret string

func (s *secret) String() string {
	if s == nil || *s == "" {
		return ""
	}
	return "(set)"
}

func (s *secret) Set(v string) error { *s = secret(v); return nil }

// listValue is a colon-separated list flag.
type listValue []string

func (l *listValue) String() string { return strings.Join(*l, ":") }

func (l *listValue) Set(v string) error {
	*l = nil
	for _, p := range strings.Split(v, ":") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// commaList is a comma-separated list flag; String hides the values, which may be secrets.
type commaList []string

func (l *commaList) String() string {
	if len(*l) == 0 {
		return ""
	}
	return fmt.Sprintf("(%d entries)", len(*l))
}

func (l *commaList) Set(v string) error {
	*l = nil
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// validate checks the config once, reporting every problem, and makes paths absolute.
func (c *Config) validate() error {
	var errs []error
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: want text or json", c.LogFormat))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.MaxBodyBytes <= 0 {
		errs = append(errs, fmt.Errorf("max body bytes %d: must be positive", c.MaxBodyBytes))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, fmt.Errorf("database url: want postgres://… (or empty for SQLite)"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data dir: must not be empty"))
	} else if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	if len(c.FileLocationRoots) == 0 {
		if wd, err := os.Getwd(); err == nil {
			c.FileLocationRoots = []string{wd}
		}
	}
	for i, r := range c.FileLocationRoots {
		abs, err := filepath.Abs(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("file location root %q: %w", r, err))
			continue
		}
		c.FileLocationRoots[i] = abs
	}
	if _, err := c.scaffolderActionMap(); err != nil {
		errs = append(errs, err)
	}
	if c.ScaffolderWorkers < 1 || c.ScaffolderWorkers > 64 {
		errs = append(errs, fmt.Errorf("scaffolder workers %d: want 1 to 64", c.ScaffolderWorkers))
	}
	if c.ScaffolderReposDir != "" {
		if abs, err := filepath.Abs(c.ScaffolderReposDir); err == nil {
			c.ScaffolderReposDir = abs
		}
	}
	if _, err := c.staticTokens(); err != nil {
		errs = append(errs, err)
	}
	if c.OIDCIssuer != "" && (c.OIDCClientID == "" || c.OIDCRedirectURL == "") {
		errs = append(errs, errors.New("oidc: PORTAL_OIDC_CLIENT_ID and PORTAL_OIDC_REDIRECT_URL are required with PORTAL_OIDC_ISSUER"))
	}
	if _, err := auth.ParseRole(c.OIDCRole); err != nil {
		errs = append(errs, fmt.Errorf("oidc role: %w", err))
	}
	errs = append(errs, c.validateIncidents()...)
	for i, d := range c.DocsDirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("docs dir %q: %w", d, err))
			continue
		}
		c.DocsDirs[i] = abs
	}
	switch c.SearchFusion {
	case "", "convex", "rrf":
	default:
		errs = append(errs, fmt.Errorf("search fusion %q: want convex or rrf", c.SearchFusion))
	}
	if c.EmbedDims < 0 {
		errs = append(errs, fmt.Errorf("embed dims %d: must not be negative", c.EmbedDims))
	}
	if c.OpenAIBaseURL != "" && !strings.HasPrefix(c.OpenAIBaseURL, "http://") && !strings.HasPrefix(c.OpenAIBaseURL, "https://") {
		errs = append(errs, fmt.Errorf("openai base url %q: want http://… or https://…", c.OpenAIBaseURL))
	}
	if c.ChatModel != "" && c.OpenAIBaseURL == "" {
		errs = append(errs, errors.New("chat model: PORTAL_CHAT_MODEL needs OPENAI_BASE_URL, the server that runs it"))
	}
	errs = append(errs, c.validateSlack()...)
	if c.ShutdownTimeout < 0 || c.RefreshInterval < 0 || c.CredentialTTL < 0 || c.SessionTTL <= 0 {
		errs = append(errs, errors.New("timeouts and intervals must not be negative, and the session TTL must be positive"))
	}
	errs = append(errs, c.validateAnomaly()...)
	errs = append(errs, c.validateAlerts()...)
	if _, err := finops.ParseRules(c.FinOpsTagRules); err != nil {
		errs = append(errs, err)
	}
	if c.FinOpsCheckInterval < 0 || c.FinOpsBudgetAlertPercent < 1 || c.FinOpsSpikePercent < 1 || c.FinOpsSpikeMinAmount < 0 {
		errs = append(errs, errors.New("finops: the check interval must not be negative, the budget and spike percentages must be at least 1, the spike amount not negative"))
	}
	if c.FinOpsReallocateInterval < 0 {
		errs = append(errs, errors.New("finops reallocate interval: must not be negative"))
	}
	return errors.Join(errs...)
}

// validateSlack checks the Slack bot's settings: all or nothing, with absolute URLs.
func (c *Config) validateSlack() []error {
	var errs []error
	isHTTP := func(u string) bool { return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") }
	if c.PortalBaseURL != "" && !isHTTP(c.PortalBaseURL) {
		errs = append(errs, fmt.Errorf("portal base url %q: want http://… or https://…", c.PortalBaseURL))
	}
	if !isHTTP(c.SlackAPIURL) {
		errs = append(errs, fmt.Errorf("slack api url %q: want http://… or https://…", c.SlackAPIURL))
	}
	if (c.SlackSigningSecret == "") != (c.SlackBotToken == "") {
		errs = append(errs, errors.New("slack: SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN go together: set both to run the Slack bot, or neither"))
	}
	if c.SlackSigningSecret != "" && c.PortalBaseURL == "" {
		errs = append(errs, errors.New("slack: the Slack bot needs PORTAL_BASE_URL to link answers to the portal"))
	}
	return errs
}

// logger builds the process logger from the config.
func (c *Config) logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel)) // validated already
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// redactedURL returns the database URL u for logs, with every secret it may hold hidden:
// the userinfo password (url.URL.Redacted) and the password and sslpassword parameters that
// pgx also reads from the query. A URL that does not parse is not shown at all.
func redactedURL(u string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	q := p.Query()
	hidden := false
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
			hidden = true
		}
	}
	if hidden {
		p.RawQuery = q.Encode()
	}
	return p.Redacted()
}

// staticTokens parses StaticTokens: NAME:TOKEN[:ROLE[:SCOPE]], role default viewer, scope
// default read. Errors name the entry by its name, never its token.
func (c *Config) staticTokens() ([]auth.StaticToken, error) {
	var out []auth.StaticToken
	for i, entry := range c.StaticTokens {
		parts := strings.Split(entry, ":")
		if len(parts) < 2 || len(parts) > 4 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("static token %d (%s): want NAME:TOKEN[:ROLE[:SCOPE]]", i+1, parts[0])
		}
		st := auth.StaticToken{Name: parts[0], Token: parts[1], Role: auth.RoleViewer, Scope: auth.ScopeRead}
		if len(st.Token) < 16 {
			return nil, fmt.Errorf("static token %q: the token must be at least 16 characters", st.Name)
		}
		var err error
		if len(parts) > 2 {
			if st.Role, err = auth.ParseRole(parts[2]); err != nil {
				return nil, fmt.Errorf("static token %q: %w", st.Name, err)
			}
		}
		if len(parts) > 3 {
			if st.Scope, err = auth.ParseScope(parts[3]); err != nil {
				return nil, fmt.Errorf("static token %q: %w", st.Name, err)
			}
		}
		out = append(out, st)
	}
	return out, nil
}
