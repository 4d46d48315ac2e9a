package api

import (
	_ "embed"
	"net/http"

	"kaohe/internal/auth"
)

// openAPI is the OpenAPI 3.1 description of every route, kept in step
// with Register by TestOpenAPIInStep (docs/api.md says how to add a
// route's operation).
//
//go:embed openapi.json
var openAPI []byte

// openAPIDoc serves the OpenAPI document.
func (h *Handler) openAPIDoc(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(openAPI)
}
