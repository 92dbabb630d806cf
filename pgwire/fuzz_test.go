package pgwire_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
)

// FuzzMessageLoop sends arbitrary bytes after a valid startup. Whatever
// arrives, the server must answer or close the connection, never crash,
// and keep serving other clients.
func FuzzMessageLoop(f *testing.F) {
	encode := func(msgs ...pgproto3.FrontendMessage) []byte {
		var b []byte
		for _, m := range msgs {
			b, _ = m.Encode(b)
		}
		return b
	}
	f.Add(encode(&pgproto3.Query{String: "SELECT 1"}))
	f.Add(encode(&pgproto3.Parse{Query: "SELECT $1::int"}, &pgproto3.Bind{Parameters: [][]byte{[]byte("7")}}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{}))
	f.Add(encode(&pgproto3.Parse{Name: "a", Query: "SELECT $1::bytea", ParameterOIDs: []uint32{17}}, &pgproto3.Bind{PreparedStatement: "a", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{1, 2}}, ResultFormatCodes: []int16{1}}, &pgproto3.Execute{}, &pgproto3.Sync{}))
	f.Add(encode(&pgproto3.Query{String: "BEGIN; CREATE TABLE f (x int); INSERT INTO f VALUES (1); SELECT * FROM f"}, &pgproto3.Query{String: "ROLLBACK"}))
	f.Add([]byte{'B', 0, 0, 0, 12, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfb})
	f.Add([]byte{'Q', 0, 0, 0, 4})
	fuzzServer := startServer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		nc, err := net.Dial("tcp", fuzzServer.srv.PGAddr())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
		start, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "fuzz"}}).Encode(nil)
		_, _ = nc.Write(append(start, data...))
		_, _ = nc.Write([]byte{'X', 0, 0, 0, 4}) // Terminate, if the stream is still in sync
		// End of input: a server waiting for the rest of a message sees EOF.
		_ = nc.(*net.TCPConn).CloseWrite()
		_, _ = io.Copy(io.Discard, nc)
		// Another client still gets answers.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, fuzzServer.dsn)
		if err != nil {
			t.Fatalf("server stopped accepting after input %x: %v", data, err)
		}
		defer c.Close(ctx)
		var one int
		if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			t.Fatalf("server stopped answering after input %x: %v", data, err)
		}
	})
}
