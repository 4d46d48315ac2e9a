package session

import (
	"context"
	"net"
	"net/http"
)

type addrKey struct{}

// WithClientAddr returns ctx carrying the client's address as the server
// determined it (the peer, or what a trusted proxy forwarded).
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// ClientAddr is the address of the request's client, without a port: the
// one the server put in the context, else the peer's IP.
func ClientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(addrKey{}).(string); ok && a != "" {
		return a
	}
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
