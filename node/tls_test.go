package node

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	pb "sqlraft/raft/raftpb"
)

// testCA is a certificate authority made up for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// nodeCert issues a certificate usable as both server and client for a
// node listening on 127.0.0.1.
func (ca *testCA) nodeCert(t *testing.T, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// mutualTLS is the configuration a node uses to listen and to dial.
func (ca *testCA) mutualTLS(t *testing.T, name string) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{ca.nodeCert(t, name)},
		RootCAs:      ca.pool,
		ClientCAs:    ca.pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS13,
	}
}

func TestMutualTLS(t *testing.T) {
	ca := newTestCA(t, "sqlraft test CA")
	a := startNode(t, 1, "c", TransportConfig{TLS: ca.mutualTLS(t, "node1")})
	b := startNode(t, 2, "c", TransportConfig{TLS: ca.mutualTLS(t, "node2")})
	a.tr.AddPeer(2, b.addr())

	a.tr.Send([]pb.Message{heartbeat(1, 2, 1)})
	if m := recv(t, b.h.msgs, "heartbeat over TLS"); m.Seq != 1 {
		t.Fatalf("got %v", m)
	}
	resp, err := a.tr.Request(context.Background(), 2, []byte("hi"))
	if err != nil || string(resp) != "echo:hi" {
		t.Fatalf("request over TLS: %q, %v", resp, err)
	}

	refused := []struct {
		name string
		dp   dialParams
	}{
		{"no client certificate", dialParams{tls: &tls.Config{RootCAs: ca.pool}}},
		{"certificate of another CA", dialParams{tls: newTestCA(t, "rogue CA").mutualTLSWithRoots(t, ca.pool)}},
		{"plain TCP", dialParams{}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			dp := tc.dp
			dp.clusterID, dp.from, dp.timeout, dp.maxFrameSize = "c", 1, testTimeout, DefaultMaxFrameSize
			c, err := dialNode(context.Background(), dp, 2, b.addr(), purposeRaft)
			if err == nil {
				c.nc.Close()
				t.Fatal("connection accepted")
			}
			t.Logf("refused: %v", err)
		})
	}
	requireLogged(t, b.logs, "refused connection: TLS handshake failed", "remote_addr=127.0.0.1:")
	select {
	case m := <-b.h.msgs:
		t.Fatalf("message delivered from a refused client: %v", m)
	default:
	}
}

// mutualTLSWithRoots is a client configuration with a certificate of ca
// that trusts the server's roots: the server must refuse the certificate.
func (ca *testCA) mutualTLSWithRoots(t *testing.T, roots *x509.CertPool) *tls.Config {
	cert := ca.nodeCert(t, "rogue")
	return &tls.Config{
		RootCAs: roots,
		// Offer the certificate even though the server's list of
		// acceptable CAs does not include its issuer.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil },
	}
}
