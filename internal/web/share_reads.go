package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// shareReadsLimit is how many of a sharing token's latest reads the page
// lists.
const shareReadsLimit = 200

// shareReadsData is the read log of one sharing token.
type shareReadsData struct {
	Reads []auth.ShareRead
}

// shareReads lists what a sharing token's consuming system read: the
// latest requests with their answers and the records given.
func (h *Handler) shareReads(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	reads, err := h.auth.ShareReads(r.Context(), a, id, shareReadsLimit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "tokens")
	p.Title = p.loc.T("tokens.share_reads")
	p.Data = shareReadsData{Reads: reads}
	h.render(w, r, http.StatusOK, "share_reads", p)
}
