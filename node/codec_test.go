package node

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// randomMessage builds a message with every field randomly present or zero.
// Empty slices are nil, which is how the codec decodes them.
func randomMessage(r *rand.Rand) pb.Message {
	u64 := func() uint64 {
		switch r.IntN(4) {
		case 0:
			return 0
		case 1:
			return r.Uint64N(128)
		case 2:
			return r.Uint64N(1 << 32)
		default:
			return r.Uint64()
		}
	}
	data := func(max int) []byte {
		n := r.IntN(max + 1)
		if n == 0 {
			return nil
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	ids := func() []uint64 {
		n := r.IntN(4)
		if n == 0 {
			return nil
		}
		v := make([]uint64, n)
		for i := range v {
			v[i] = u64()
		}
		return v
	}
	m := pb.Message{
		Type:       pb.MessageType(r.IntN(int(pb.MsgPreVoteResp) + 1)),
		To:         u64(),
		From:       u64(),
		Term:       u64(),
		LogTerm:    u64(),
		Index:      u64(),
		Commit:     u64(),
		Seq:        u64(),
		Reject:     r.IntN(2) == 0,
		RejectHint: u64(),
		Context:    data(16),
	}
	if n := r.IntN(6); n > 0 {
		m.Entries = make([]pb.Entry, n)
		term, index := m.LogTerm, m.Index
		for i := range m.Entries {
			if r.IntN(4) == 0 {
				term, index = u64(), u64() // not a contiguous run
			} else {
				term, index = term+r.Uint64N(2), index+1
			}
			m.Entries[i] = pb.Entry{Term: term, Index: index, Type: pb.EntryType(r.IntN(2)), Data: data(40)}
		}
	}
	if r.IntN(3) == 0 {
		m.Snapshot = &pb.Snapshot{
			Data: data(64),
			Metadata: pb.SnapshotMetadata{
				Index: u64(),
				Term:  u64(),
				ConfState: pb.ConfState{
					Voters: ids(), Learners: ids(), VotersOutgoing: ids(), LearnersNext: ids(),
					AutoLeave: r.IntN(2) == 0,
				},
			},
		}
	}
	return m
}

func TestMessageCodecRoundTrip(t *testing.T) {
	const seed = 20240601
	r := rand.New(rand.NewPCG(seed, 0))
	var buf []byte
	for i := range 5000 {
		m := randomMessage(r)
		buf = EncodeMessage(buf[:0], &m)
		got, err := DecodeMessage(buf)
		if err != nil {
			t.Fatalf("seed %d message %d: decode: %v\n%+v", seed, i, err, m)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("seed %d message %d: round trip differs\nsent %+v\ngot  %+v", seed, i, m, got)
		}
		// Every strict prefix is truncated input and must be refused.
		if i%50 == 0 {
			for n := range len(buf) {
				if _, err := DecodeMessage(buf[:n]); err == nil {
					t.Fatalf("seed %d message %d: prefix of %d/%d bytes decoded", seed, i, n, len(buf))
				}
			}
		}
	}
}

func TestDecodeMessageDoesNotAliasInput(t *testing.T) {
	m := pb.Message{Type: pb.MsgApp, Entries: []pb.Entry{{Term: 1, Index: 1, Data: []byte("abc")}}, Context: []byte("ctx")}
	b := EncodeMessage(nil, &m)
	got, err := DecodeMessage(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 0xff
	}
	if string(got.Entries[0].Data) != "abc" || string(got.Context) != "ctx" {
		t.Fatalf("decoded message changed with its input: %+v", got)
	}
	// Appending to one field must not overwrite the next.
	_ = append(got.Entries[0].Data, 'X')
	if string(got.Context) != "ctx" {
		t.Fatalf("append to entry data overwrote the context: %q", got.Context)
	}
}

func TestEncodeMessageIsCompact(t *testing.T) {
	hb := pb.Message{Type: pb.MsgHeartbeat, From: 1, To: 2, Term: 7, Commit: 100, Seq: 3}
	if n := len(EncodeMessage(nil, &hb)); n > 10 {
		t.Errorf("heartbeat encodes in %d bytes, want at most 10", n)
	}
	// Entries of a MsgApp continue from (LogTerm, Index): one byte each for
	// term and index, one for type, one for the length of small data.
	app := pb.Message{Type: pb.MsgApp, From: 1, To: 2, Term: 9, LogTerm: 9, Index: 1 << 40, Commit: 1 << 40}
	base := len(EncodeMessage(nil, &app))
	for i := range 100 {
		app.Entries = append(app.Entries, pb.Entry{Term: 9, Index: 1<<40 + uint64(i) + 1, Data: make([]byte, 10)})
	}
	if n := len(EncodeMessage(nil, &app)); n > base+2+100*(4+10) {
		t.Errorf("MsgApp with 100 10-byte entries encodes in %d bytes, want at most %d", n, base+2+100*14)
	}
}

func TestDecodeMessageRejects(t *testing.T) {
	valid := EncodeMessage(nil, &pb.Message{Type: pb.MsgApp, To: 2, Entries: []pb.Entry{{Term: 1, Index: 1, Data: []byte("x")}}})
	uv := func(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
	cases := []struct {
		name string
		in   []byte
		is   error
		msg  string
	}{
		{"empty", nil, ErrMalformedMessage, "shorter than the 2-byte header"},
		{"unknown version", []byte{9, byte(pb.MsgApp), 0}, ErrUnsupportedVersion, "version 9"},
		{"unknown type", []byte{1, 200, 0}, ErrMalformedMessage, "unknown message type 200"},
		{"unknown field bit", uv([]byte{1, 3}, 1<<20), ErrMalformedMessage, "unknown field bits"},
		{"trailing garbage", append(bytes.Clone(valid), 0, 0), ErrMalformedMessage, "2 trailing bytes"},
		{"overlong varint", append([]byte{1, 3}, bytes.Repeat([]byte{0xff}, 11)...), ErrMalformedMessage, "overflows"},
		{"huge entry count", uv(uv([]byte{1, 3}, fieldEntries), 1<<60), ErrMalformedMessage, "elements announced"},
		{"huge data length", uv(append(uv(uv([]byte{1, 3}, fieldEntries), 1), 0, 0, 0), 1<<62), ErrMalformedMessage, "exceeds"},
		{"huge context", uv(uv([]byte{1, 3}, fieldContext), 1<<40), ErrMalformedMessage, "exceeds"},
		{"huge voter count", uv(append(uv([]byte{1, 7}, fieldSnapshot), 0, 0), 1<<50), ErrMalformedMessage, "elements announced"},
		{"bad entry type", append(uv(uv([]byte{1, 3}, fieldEntries), 1), 0, 0, 7, 0), ErrMalformedMessage, "unknown entry type 7"},
		{"bad auto leave", append(uv([]byte{1, 7}, fieldSnapshot), 0, 0, 0, 0, 0, 0, 2, 0), ErrMalformedMessage, "not a boolean"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := DecodeMessage(tc.in)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %v mentioning %q", err, tc.is, tc.msg)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<10 {
				t.Fatalf("decoding %d bytes allocated %d bytes", len(tc.in), grew)
			}
		})
	}
}

func FuzzMessageCodec(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 32 {
		m := randomMessage(r)
		f.Add(EncodeMessage(nil, &m))
	}
	f.Add([]byte{})
	f.Add([]byte{1, 3, 0x80, 0x04, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		if err != nil {
			return
		}
		enc := EncodeMessage(nil, &m)
		m2, err := DecodeMessage(enc)
		if err != nil {
			t.Fatalf("re-encoded message does not decode: %v\n%+v", err, m)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("re-encoded message differs\nfirst  %+v\nsecond %+v", m, m2)
		}
		if enc2 := EncodeMessage(nil, &m2); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable: %x then %x", enc, enc2)
		}
	})
}

func benchMsgApp() pb.Message {
	m := pb.Message{Type: pb.MsgApp, From: 1, To: 2, Term: 5, LogTerm: 5, Index: 100000, Commit: 100000}
	for i := range 64 {
		data := make([]byte, 128)
		for j := range data {
			data[j] = byte(i + j)
		}
		m.Entries = append(m.Entries, pb.Entry{Term: 5, Index: 100001 + uint64(i), Data: data})
	}
	return m
}

func BenchmarkEncodeMessage(b *testing.B) {
	m := benchMsgApp()
	buf := EncodeMessage(nil, &m)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = EncodeMessage(buf[:0], &m)
	}
}

func BenchmarkDecodeMessage(b *testing.B) {
	m := benchMsgApp()
	buf := EncodeMessage(nil, &m)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeMessage(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeMessageAllocations(t *testing.T) {
	hb := heartbeat(1, 2, 3)
	hbBytes := EncodeMessage(nil, &hb)
	if n := testing.AllocsPerRun(100, func() { DecodeMessage(hbBytes) }); n != 0 {
		t.Errorf("decoding a heartbeat allocates %v times, want 0", n)
	}
	app := benchMsgApp()
	appBytes := EncodeMessage(nil, &app)
	// One copy of the input shared by all entries' data, one entry slice.
	if n := testing.AllocsPerRun(100, func() { DecodeMessage(appBytes) }); n != 2 {
		t.Errorf("decoding a MsgApp with 64 entries allocates %v times, want 2", n)
	}
	buf := make([]byte, 0, len(appBytes))
	if n := testing.AllocsPerRun(100, func() { buf = EncodeMessage(buf[:0], &app) }); n != 0 {
		t.Errorf("encoding into a large enough buffer allocates %v times, want 0", n)
	}
}
