package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/xdg-go/scram"

	"sqlraft/pgwire/pgerror"
)

// scramIterations is PostgreSQL's default scram_iterations.
const scramIterations = 4096

// authenticate decides how the client must prove who it is and runs that
// exchange: trust when the server runs --insecure, or for loopback
// clients while no role has a password; SCRAM-SHA-256 otherwise.
func (c *conn) authenticate(ctx context.Context) (bool, error) {
	if c.srv.cfg.Insecure {
		return true, nil
	}
	anyPassword, err := c.srv.roles.anyPassword(ctx)
	if err != nil {
		c.fatal(pgerror.New("XX000", "reading roles: %v", err))
		return false, nil
	}
	if ok, err := c.srv.roles.canLogin(ctx, c.user); err != nil || !ok {
		if err != nil {
			c.fatal(pgerror.New("XX000", "reading roles: %v", err))
		} else {
			c.fatal(pgerror.New("28000", "role %q is not permitted to log in", c.user))
		}
		return false, nil
	}
	if !anyPassword && isLoopback(c.nc.RemoteAddr()) {
		return true, nil
	}
	if !anyPassword {
		e := pgerror.New("28000", "no role has a password yet: connect from the server's own host (loopback) to create one, or start the server with --insecure")
		c.fatal(e)
		return false, nil
	}
	verifier, found, err := c.srv.roles.verifier(ctx, c.user)
	if err != nil {
		c.fatal(pgerror.New("XX000", "reading roles: %v", err))
		return false, nil
	}
	if !found {
		c.fatal(pgerror.New("28000", "role %q does not exist", c.user))
		return false, nil
	}
	if verifier == "" {
		c.authFailed()
		return false, nil
	}
	return c.scram(verifier)
}

// authFailed answers a failed login after a delay, which makes password
// guessing slow.
func (c *conn) authFailed() {
	time.Sleep(c.srv.cfg.AuthFailureDelay)
	c.fatal(pgerror.New("28P01", "password authentication failed for user %q", c.user))
}

// scram runs a SCRAM-SHA-256 exchange against a stored verifier.
func (c *conn) scram(verifier string) (bool, error) {
	creds, err := parseVerifier(verifier)
	if err != nil {
		c.fatal(pgerror.New("XX000", "stored password of role %q is unusable: %v", c.user, err))
		return false, nil
	}
	srv, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) {
		// libpq sends an empty user name in SCRAM; the startup message
		// names the role.
		return creds, nil
	})
	if err != nil {
		return false, err
	}
	conv := srv.NewConversation()
	c.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}})
	if err := c.be.Flush(); err != nil {
		return false, err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return false, err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return false, err
	}
	first, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok || first.AuthMechanism != "SCRAM-SHA-256" {
		c.fatal(pgerror.New("08P01", "expected a SASL initial response for SCRAM-SHA-256"))
		return false, nil
	}
	serverFirst, err := conv.Step(string(first.Data))
	if err != nil {
		c.authFailed()
		return false, nil
	}
	c.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)})
	if err := c.be.Flush(); err != nil {
		return false, err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return false, err
	}
	msg, err = c.be.Receive()
	if err != nil {
		return false, err
	}
	final, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		c.fatal(pgerror.New("08P01", "expected a SASL response"))
		return false, nil
	}
	serverFinal, err := conv.Step(string(final.Data))
	if err != nil || !conv.Valid() {
		c.authFailed()
		return false, nil
	}
	c.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(serverFinal)})
	return true, nil
}

func isLoopback(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}

// makeVerifier turns a password into the form PostgreSQL stores:
// SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>. The password
// itself is never stored or replicated.
func makeVerifier(user, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	client, err := scram.SHA256.NewClient(user, password, "")
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	creds := client.GetStoredCredentials(scram.KeyFactors{Salt: string(salt), Iters: scramIterations})
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", scramIterations, b64(salt), b64(creds.StoredKey), b64(creds.ServerKey)), nil
}

func parseVerifier(v string) (scram.StoredCredentials, error) {
	var creds scram.StoredCredentials
	rest, ok := strings.CutPrefix(v, "SCRAM-SHA-256$")
	if !ok {
		return creds, errors.New("not a SCRAM-SHA-256 verifier")
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return creds, errors.New("malformed verifier")
	}
	iterText, saltText, ok1 := strings.Cut(params, ":")
	storedText, serverText, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return creds, errors.New("malformed verifier")
	}
	iters, err := strconv.Atoi(iterText)
	if err != nil || iters <= 0 {
		return creds, errors.New("malformed iteration count")
	}
	dec := base64.StdEncoding.DecodeString
	salt, err1 := dec(saltText)
	stored, err2 := dec(storedText)
	server, err3 := dec(serverText)
	if err := errors.Join(err1, err2, err3); err != nil {
		return creds, fmt.Errorf("malformed base64: %w", err)
	}
	if len(stored) != sha256.Size || len(server) != sha256.Size {
		return creds, errors.New("wrong key length")
	}
	creds.KeyFactors = scram.KeyFactors{Salt: string(salt), Iters: iters}
	creds.StoredKey, creds.ServerKey = stored, server
	return creds, nil
}
