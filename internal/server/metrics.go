package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kaohe/internal/db"
)

// metrics are what /metrics exposes in Prometheus's format: the latency
// of requests per route (a scoring run is POST /cycles/{id}/run, a ballot
// POST /b/{code}), the database pool, and the process.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
}

func newMetrics(d *db.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kaohe_http_request_duration_seconds",
		Help:    "Time to answer a request, by method, route pattern and status class.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route", "status"})
	m.reg.MustRegister(m.requests,
		collectors.NewDBStatsCollector(d.SQL, string(d.Engine)),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records one answered request. The route is the pattern that
// matched ("GET /cycles/{id}"), never the path, so that neither IDs nor
// ballot codes become label values.
func (m *metrics) observe(method, route string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status/100)+"xx").Observe(took.Seconds())
}

// Metrics serves /metrics. It carries no sign-in: serve it on its own
// address that only the monitoring system reaches (kaohe serve
// --metrics-addr).
func (s *Server) Metrics() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}

// matchedRoutes records the pattern the mux matched in the request's log entry.
func matchedRoutes(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if info, ok := r.Context().Value(reqLogKey{}).(*reqLog); ok {
			info.route = r.Pattern
		}
	})
}

// readyz answers 200 when the database answers and its schema is the one
// this binary knows, 503 otherwise: a load balancer sends requests only to
// a ready server.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status, code := "ready", http.StatusOK
	current, known, err := s.cfg.DB.SchemaVersion(ctx)
	switch {
	case err != nil:
		s.cfg.Logger.Error("readyz", "err", err)
		status, code = "database unavailable", http.StatusServiceUnavailable
	case current != known:
		status, code = "schema not at this version", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"status": status})
}
