package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the real sqlraft binary, built once, as separate
// processes on free loopback ports.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sqlraft-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "sqlraft")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build sqlraft:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var addrs []string
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		addrs = append(addrs, l.Addr().String())
	}
	for _, l := range ls {
		l.Close()
	}
	return addrs
}

type proc struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	http string
	// done is closed when the process has exited; err is then its error.
	done chan struct{}
	err  error
}

// wait waits for the process to exit and returns its error.
func (p *proc) wait() error {
	<-p.done
	return p.err
}

func start(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{out: &bytes.Buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(binary, append([]string{"serve"}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	for i, a := range args {
		if a == "--http-addr" {
			p.http = args[i+1]
		}
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("output of %v:\n%s", args, p.out)
		}
	})
	return p
}

type status struct {
	ID      uint64 `json:"id"`
	Role    string `json:"role"`
	Term    uint64 `json:"term"`
	Leader  uint64 `json:"leader"`
	Members []struct {
		ID   uint64 `json:"id"`
		Role string `json:"role"`
	} `json:"members"`
}

func (p *proc) status() (status, error) {
	var s status
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + p.http + "/status")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return s, fmt.Errorf("%s: %s", resp.Status, body)
	}
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

func (p *proc) waitReady(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + p.http + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.done:
			t.Fatalf("process exited while waiting for /readyz: %v", p.err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("/readyz not ready within %v", timeout)
}

// With defaults apart from the addresses, serve starts a single-node
// cluster that elects itself and reports it on /status.
func TestServeSingleNode(t *testing.T) {
	a := freePorts(t, 3)
	dir := t.TempDir()
	p := start(t, "--data-dir", dir, "--pg-addr", a[0], "--raft-addr", a[1], "--http-addr", a[2])
	p.waitReady(t, 20*time.Second)
	s, err := p.status()
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != 1 || s.Role != "leader" || s.Leader != 1 || len(s.Members) != 1 {
		t.Fatalf("status %+v, want node 1 leading itself", s)
	}
	// SIGTERM stops it cleanly.
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("exit after SIGTERM: %v", p.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

// A data directory keeps its identity: starting it as another node is
// refused with a clear message, and so is a port already in use.
func TestServeRefusesWrongIdentityAndBusyPort(t *testing.T) {
	a := freePorts(t, 3)
	dir := t.TempDir()
	p := start(t, "--data-dir", dir, "--pg-addr", a[0], "--raft-addr", a[1], "--http-addr", a[2])
	p.waitReady(t, 20*time.Second)

	busy := exec.Command(binary, "serve", "--data-dir", t.TempDir(), "--pg-addr", freePorts(t, 1)[0], "--raft-addr", a[1], "--http-addr", freePorts(t, 1)[0])
	out, err := busy.CombinedOutput()
	if err == nil || !strings.Contains(string(out), a[1]) {
		t.Fatalf("second node on a busy raft port: err=%v, output %q; want a refusal naming %s", err, out, a[1])
	}

	p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait()
	b := freePorts(t, 3)
	wrong := exec.Command(binary, "serve", "--node-id", "2", "--data-dir", dir, "--pg-addr", b[0], "--raft-addr", b[1], "--http-addr", b[2])
	out, err = wrong.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "node 1, not node 2") {
		t.Fatalf("reusing node 1's data dir as node 2: err=%v, output %q", err, out)
	}
}

// Three processes bootstrapped with --cluster elect one leader; killing it
// with SIGKILL makes the other two elect another; the killed node restarts
// with the same command and rejoins as a follower.
func TestServeThreeNodesSurviveLeaderKill(t *testing.T) {
	a := freePorts(t, 9)
	cluster := fmt.Sprintf("1=%s,2=%s,3=%s", a[1], a[4], a[7])
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	args := func(i int) []string {
		return []string{"--node-id", fmt.Sprint(i + 1), "--data-dir", dirs[i], "--pg-addr", a[3*i],
			"--raft-addr", a[3*i+1], "--http-addr", a[3*i+2], "--cluster", cluster}
	}
	procs := make([]*proc, 3)
	for i := range procs {
		procs[i] = start(t, args(i)...)
	}
	for _, p := range procs {
		p.waitReady(t, 30*time.Second)
	}
	s, err := procs[0].status()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Members) != 3 || s.Leader == 0 {
		t.Fatalf("status %+v, want 3 members and a leader", s)
	}
	old := s.Leader
	procs[old-1].cmd.Process.Kill()
	procs[old-1].wait()

	var newLeader uint64
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && newLeader == 0 {
		for i, p := range procs {
			if uint64(i+1) == old {
				continue
			}
			if st, err := p.status(); err == nil && st.Role == "leader" && st.Term > s.Term {
				newLeader = st.ID
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if newLeader == 0 || newLeader == old {
		t.Fatalf("no new leader after killing %d", old)
	}
	procs[old-1] = start(t, args(int(old-1))...)
	procs[old-1].waitReady(t, 30*time.Second)
	st, err := procs[old-1].status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Role != "follower" || st.Leader != newLeader {
		t.Fatalf("restarted node %d: %+v, want a follower of %d", old, st, newLeader)
	}
}
