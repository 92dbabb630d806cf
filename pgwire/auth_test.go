package pgwire_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sqlraft/server"
)

func connectAs(ctx context.Context, ts *testServer, user, password string) (*pgx.Conn, error) {
	return pgx.Connect(ctx, fmt.Sprintf("postgres://%s:%s@%s/sqlraft?sslmode=disable", user, password, ts.srv.PGAddr()))
}

func TestPasswordsAreSCRAMVerifiersManagedWithSQL(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	admin := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	// No role has a password yet: loopback clients are trusted.
	mustExec(t, admin, "CREATE ROLE alice LOGIN PASSWORD 'correct horse'")
	if _, err := admin.Exec(ctx, "CREATE ROLE alice"); pgCode(err) != "42710" {
		t.Fatalf("duplicate role: %v", err)
	}
	// Now passwords are required, also on loopback.
	if _, err := connectAs(ctx, ts, "tester", ""); pgCode(err) != "28000" {
		t.Fatalf("unknown role after passwords exist: %v", err)
	}
	c, err := connectAs(ctx, ts, "alice", "correct%20horse")
	if err != nil {
		t.Fatalf("right password: %v", err)
	}
	c.Close(ctx)
	start := time.Now()
	if _, err := connectAs(ctx, ts, "alice", "wrong"); pgCode(err) != "28P01" {
		t.Fatalf("wrong password: %v", err)
	}
	if time.Since(start) < 400*time.Millisecond {
		t.Errorf("a wrong password was answered in %v: no delay", time.Since(start))
	}
	// The password is not stored: the replicated row holds a SCRAM verifier,
	// and user SQL cannot read it.
	if _, err := admin.Exec(ctx, "SELECT * FROM _sqlraft_sys_roles"); err == nil {
		t.Fatal("user SQL read the role table")
	}
	mustExec(t, admin, "ALTER ROLE alice PASSWORD 'battery staple'")
	if _, err := connectAs(ctx, ts, "alice", "correct%20horse"); pgCode(err) != "28P01" {
		t.Fatalf("old password after ALTER ROLE: %v", err)
	}
	c, err = connectAs(ctx, ts, "alice", "battery%20staple")
	if err != nil {
		t.Fatalf("new password: %v", err)
	}
	if _, err := c.Exec(ctx, "DROP ROLE nobody"); pgCode(err) != "42704" {
		t.Fatalf("drop unknown role: %v", err)
	}
	mustExec(t, c, "DROP ROLE IF EXISTS nobody")
	mustExec(t, c, "DROP ROLE alice")
	c.Close(ctx)
	// No password left: loopback trust again.
	c, err = connectAs(ctx, ts, "tester", "")
	if err != nil {
		t.Fatalf("after the last password was dropped: %v", err)
	}
	c.Close(ctx)
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeSelfSigned(t, dir)
	ts := startServerWith(t, func(c *server.Config) { c.PGTLSCert, c.PGTLSKey = certFile, keyFile })
	ctx := context.Background()
	c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://tester@%s/sqlraft?sslmode=require", ts.srv.PGAddr()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, ok := c.PgConn().Conn().(*tls.Conn); !ok {
		t.Fatalf("connection is %T, not TLS", c.PgConn().Conn())
	}
	var one int
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	// Without a certificate configured, SSLRequest is declined and
	// sslmode=prefer falls back to plain text.
	plain := startServer(t)
	c2, err := pgx.Connect(ctx, fmt.Sprintf("postgres://tester@%s/sqlraft?sslmode=prefer", plain.srv.PGAddr()))
	if err != nil {
		t.Fatal(err)
	}
	c2.Close(ctx)
	if _, err := pgx.Connect(ctx, fmt.Sprintf("postgres://tester@%s/sqlraft?sslmode=require", plain.srv.PGAddr())); err == nil || !strings.Contains(err.Error(), "refused TLS") {
		t.Fatalf("sslmode=require against a server without TLS: %v", err)
	}
}

func writeSelfSigned(t *testing.T, dir string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

func TestPasswordAttackDoesNotStopOtherClients(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	admin := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, admin, "CREATE ROLE victim LOGIN PASSWORD 'right'")
	good, err := connectAs(ctx, ts, "victim", "right")
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close(ctx)
	const attackers = 16
	codes := make(chan string, attackers*3)
	for range attackers {
		go func() {
			for range 3 {
				_, err := connectAs(ctx, ts, "victim", "guess")
				codes <- pgCode(err)
			}
		}()
	}
	// While the attack runs, the legitimate session is answered promptly.
	for range 20 {
		start := time.Now()
		var one int
		if err := good.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("a query took %v during the attack", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for range attackers * 3 {
		if code := <-codes; code != "28P01" {
			t.Fatalf("wrong password answered %q, want 28P01", code)
		}
	}
}

func TestCreatedRolesAppearInTheCatalog(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	admin := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, admin, "CREATE ROLE reader")          // NOLOGIN by default, as in PostgreSQL
	mustExec(t, admin, "CREATE USER writer CREATEDB") // CREATE USER implies LOGIN
	rows, err := admin.Query(ctx, "SELECT rolname, rolcanlogin, rolcreatedb, rolsuper FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var name string
		var login, createdb, super bool
		if err := rows.Scan(&name, &login, &createdb, &super); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s login=%v createdb=%v super=%v", name, login, createdb, super))
	}
	want := []string{"reader login=false createdb=false super=false", "sqlraft login=true createdb=true super=true", "writer login=true createdb=true super=false"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("pg_roles:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A role without LOGIN cannot connect.
	if _, err := connectAs(ctx, ts, "reader", ""); pgCode(err) != "28000" {
		t.Fatalf("NOLOGIN role connected: %v", err)
	}
	c, err := connectAs(ctx, ts, "writer", "")
	if err != nil {
		t.Fatalf("LOGIN role: %v", err)
	}
	c.Close(ctx)
}
