// Package failoverretry is a Traefik middleware, interpreted by Traefik's plugin runtime (Yaegi), that sends a request
// of a safe method once more when the ingress itself failed it: a 502, 503 or 504 that no app answered (an app's answer
// always carries the backend header). Traefik's own retry middleware cannot do this: it resends only a request that
// was never written to a server, so a GET in flight on a replica that crashes is lost. A GET has no effect on the data,
// so sending it again is safe; a request with a body is never sent twice.
//
// The second attempt goes through the route's services again after a wait long enough for their health probes to
// have marked the failed replica down: on a live replica of the same backend, else on the other backend.
//
// A retry budget, shared by every route, stops a dying backend from piling its whole share onto the surviving one: in
// any one second, at most budgetFloorPerSecond plus budgetShare times the requests seen that second are sent again.
package failoverretry

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// Config is the middleware's options, from the dynamic configuration.
type Config struct {
	Methods              []string `json:"methods,omitempty"`
	BackendHeader        string   `json:"backendHeader,omitempty"`
	Wait                 string   `json:"wait,omitempty"`
	BudgetFloorPerSecond int      `json:"budgetFloorPerSecond,omitempty"`
	BudgetShare          float64  `json:"budgetShare,omitempty"`
}

// CreateConfig gives the options before the dynamic configuration fills them in.
func CreateConfig() *Config {
	return &Config{}
}

type failoverRetry struct {
	next          http.Handler
	name          string
	methods       map[string]bool
	backendHeader string
	wait          time.Duration
}

// New builds the middleware of one router, refusing options it cannot honour.
func New(_ context.Context, next http.Handler, config *Config, name string) (http.Handler, error) {
	wait, err := time.ParseDuration(config.Wait)
	if err != nil || wait <= 0 {
		return nil, fmt.Errorf("%s: wait must be a positive duration such as 600ms, got %q", name, config.Wait)
	}
	if len(config.Methods) == 0 || config.BackendHeader == "" {
		return nil, fmt.Errorf("%s: methods and backendHeader are required", name)
	}
	if config.BudgetFloorPerSecond < 0 || config.BudgetShare < 0 || config.BudgetShare > 1 {
		return nil, fmt.Errorf("%s: budgetFloorPerSecond must be 0 or more and budgetShare from 0 to 1", name)
	}
	budget.configure(config.BudgetFloorPerSecond, config.BudgetShare)
	methods := map[string]bool{}
	for _, method := range config.Methods {
		methods[method] = true
	}
	return &failoverRetry{next: next, name: name, methods: methods, backendHeader: config.BackendHeader, wait: wait}, nil
}

func (f *failoverRetry) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	budget.countRequest()
	if !f.methods[req.Method] || req.ContentLength != 0 || len(req.TransferEncoding) > 0 {
		f.next.ServeHTTP(rw, req)
		return
	}
	first := &firstAttempt{rw: rw, header: http.Header{}, backendHeader: f.backendHeader}
	f.next.ServeHTTP(first, req)
	if !first.failedAtIngress {
		return
	}
	if req.Context().Err() != nil {
		return
	}
	if !budget.allowRetry() {
		// Traefik logs a plugin's standard error at its error level (its standard output only when debugging).
		fmt.Fprintf(os.Stderr, "failoverretry: %s: retry budget spent, %s %s not sent again\n", f.name, req.Method, req.URL.Path)
		first.answer()
		return
	}
	select {
	case <-time.After(f.wait):
		f.next.ServeHTTP(rw, req)
	case <-req.Context().Done():
	}
}

// firstAttempt passes an app's answer straight through and holds back an error the ingress made itself, so that the
// request can be sent again with nothing written to the client yet.
type firstAttempt struct {
	rw              http.ResponseWriter
	header          http.Header
	backendHeader   string
	decided         bool
	failedAtIngress bool
	status          int
	body            []byte
}

func (a *firstAttempt) Header() http.Header {
	return a.header
}

func (a *firstAttempt) WriteHeader(status int) {
	if a.decided {
		return
	}
	a.decided = true
	a.status = status
	ingressError := status == http.StatusBadGateway || status == http.StatusServiceUnavailable ||
		status == http.StatusGatewayTimeout
	if ingressError && a.header.Get(a.backendHeader) == "" {
		a.failedAtIngress = true
		return
	}
	a.copyHeader()
	a.rw.WriteHeader(status)
}

func (a *firstAttempt) Write(body []byte) (int, error) {
	if !a.decided {
		a.WriteHeader(http.StatusOK)
	}
	if a.failedAtIngress {
		a.body = append(a.body, body...)
		return len(body), nil
	}
	return a.rw.Write(body)
}

// Flush lets a streamed answer through as it comes.
func (a *firstAttempt) Flush() {
	if flusher, ok := a.rw.(http.Flusher); ok && a.decided && !a.failedAtIngress {
		flusher.Flush()
	}
}

// answer gives the client the error held back, when it is not sent again.
func (a *firstAttempt) answer() {
	a.copyHeader()
	a.rw.WriteHeader(a.status)
	_, _ = a.rw.Write(a.body)
}

func (a *firstAttempt) copyHeader() {
	for key, values := range a.header {
		a.rw.Header()[key] = values
	}
}

// retryBudget counts, per wall-clock second, the requests seen and the retries allowed, across every router.
type retryBudget struct {
	mutex          sync.Mutex
	floorPerSecond int
	share          float64
	second         int64
	requests       int
	retries        int
}

var budget = &retryBudget{}

func (b *retryBudget) configure(floorPerSecond int, share float64) {
	b.mutex.Lock()
	defer b.mutex.Unlock()
	b.floorPerSecond, b.share = floorPerSecond, share
}

// roll starts a new count when the second has changed; the caller holds the lock.
func (b *retryBudget) roll() {
	now := time.Now().Unix()
	if now != b.second {
		b.second, b.requests, b.retries = now, 0, 0
	}
}

func (b *retryBudget) countRequest() {
	b.mutex.Lock()
	defer b.mutex.Unlock()
	b.roll()
	b.requests++
}

func (b *retryBudget) allowRetry() bool {
	b.mutex.Lock()
	defer b.mutex.Unlock()
	b.roll()
	if float64(b.retries) >= float64(b.floorPerSecond)+b.share*float64(b.requests) {
		return false
	}
	b.retries++
	return true
}
