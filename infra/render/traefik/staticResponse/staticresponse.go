// Package staticresponse is a Traefik middleware, interpreted by Traefik's plugin runtime (Yaegi), that answers every
// request itself: 200, with the body and Content-Type of its configuration; the router's service is never called.
//
// The Kubernetes target publishes each route's configured weight as a Prometheus text endpoint served by the ingress
// itself, from a Middleware object the controller watches: Prometheus follows a weight step within seconds, with no
// mounted file (a mounted ConfigMap reaches the pod late).
package staticresponse

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// Config is the middleware's options, from the dynamic configuration.
type Config struct {
	ContentType string `json:"contentType,omitempty"`
	Body        string `json:"body,omitempty"`
}

// CreateConfig gives the options before the dynamic configuration fills them in.
func CreateConfig() *Config {
	return &Config{}
}

type staticResponse struct {
	contentType string
	body        []byte
}

// New builds the middleware of one router; an empty body is allowed, a missing Content-Type is not.
func New(_ context.Context, _ http.Handler, config *Config, name string) (http.Handler, error) {
	if config.ContentType == "" {
		return nil, fmt.Errorf("%s: contentType is required", name)
	}
	return &staticResponse{contentType: config.ContentType, body: []byte(config.Body)}, nil
}

func (s *staticResponse) ServeHTTP(rw http.ResponseWriter, _ *http.Request) {
	rw.Header().Set("Content-Type", s.contentType)
	rw.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(s.body)
}
