package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, returning
// their files and a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kaohe test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestHTTPS serves the site over TLS itself, and over plain HTTP behind a
// TLS-terminating proxy (an https base URL): either way the session cookie
// is Secure and responses carry HSTS; a plain site sets neither. A
// certificate without its key is refused when the server is built.
func TestHTTPS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		newFixture(t, d) // the users that sign in
		certFile, keyFile, pool := selfSigned(t)
		if _, err := New(Config{DB: d, TLSCert: certFile}); err == nil || !strings.Contains(err.Error(), "--tls-key") {
			t.Fatalf("a certificate without its key: %v", err)
		}
		serve := func(cfg Config) string {
			cfg.DB, cfg.Logger = d, slog.New(slog.DiscardHandler)
			srv, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ctx, l) }()
			t.Cleanup(func() {
				stop()
				if err := <-done; err != nil {
					t.Error(err)
				}
			})
			return l.Addr().String()
		}
		for _, tt := range []struct {
			name   string
			cfg    Config
			scheme string
			secure bool
		}{
			{"TLS served", Config{TLSCert: certFile, TLSKey: keyFile}, "https", true},
			{"behind a TLS proxy", Config{BaseURL: "https://kaohe.example.gov.cn", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, "http", true},
			{"plain", Config{}, "http", false},
		} {
			addr := serve(tt.cfg)
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			base := tt.scheme + "://" + addr
			req, _ := http.NewRequest(http.MethodPost, base+"/signin", strings.NewReader(url.Values{"login": {"office"}, "password": {password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", base)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res, err := c.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			res.Body.Close()
			cookie := res.Header.Get("Set-Cookie")
			if res.StatusCode != http.StatusSeeOther || strings.Contains(cookie, "Secure") != tt.secure ||
				(res.Header.Get("Strict-Transport-Security") != "") != tt.secure {
				t.Errorf("%s: sign-in %d, Set-Cookie %q, HSTS %q; want Secure and HSTS %v", tt.name, res.StatusCode, cookie,
					res.Header.Get("Strict-Transport-Security"), tt.secure)
			}
		}
	})
}
