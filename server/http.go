package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/pprof"
	"slices"
	"strings"
	"time"

	"sqlraft/raft"
)

// statusSource is what the HTTP endpoints read from the node.
type statusSource interface {
	Status(ctx context.Context) (raft.Status, error)
}

// memberStatus is one member in /status.
type memberStatus struct {
	ID      uint64 `json:"id"`
	Role    string `json:"role"` // voter, learner
	Match   uint64 `json:"match,omitempty"`
	Lag     uint64 `json:"lag,omitempty"`
	Probing bool   `json:"probing,omitempty"`
}

// nodeStatus is the /status document.
type nodeStatus struct {
	ID           uint64         `json:"id"`
	Role         string         `json:"role"`
	Term         uint64         `json:"term"`
	Leader       uint64         `json:"leader"`
	CommitIndex  uint64         `json:"commit_index"`
	AppliedIndex uint64         `json:"applied_index"`
	Members      []memberStatus `json:"members"`
}

func roleName(s raft.StateType) string {
	switch s {
	case raft.StateLeader:
		return "leader"
	case raft.StateCandidate, raft.StatePreCandidate:
		return "candidate"
	}
	return "follower"
}

func describe(st raft.Status) nodeStatus {
	out := nodeStatus{
		ID:           st.ID,
		Role:         roleName(st.RaftState),
		Term:         st.Term,
		Leader:       st.Lead,
		CommitIndex:  st.Commit,
		AppliedIndex: st.Applied,
	}
	add := func(id uint64, role string) {
		m := memberStatus{ID: id, Role: role}
		if pr, ok := st.Progress[id]; ok {
			m.Match = pr.Match
			if st.Commit > pr.Match {
				m.Lag = st.Commit - pr.Match
			}
			m.Probing = pr.State.String() == "StateProbe"
		}
		out.Members = append(out.Members, m)
	}
	seen := map[uint64]bool{}
	for id := range st.Config.Voters.IDs() {
		seen[id] = true
		add(id, "voter")
	}
	for id := range st.Config.Learners {
		if !seen[id] {
			add(id, "learner")
		}
	}
	slices.SortFunc(out.Members, func(a, b memberStatus) int { return int(a.ID) - int(b.ID) })
	return out
}

// newHTTPHandler serves /healthz, /readyz, /status, /metrics and
// /debug/pprof. ready reports whether the node can serve: it knows a leader
// and has applied what was committed when it started.
func newHTTPHandler(src statusSource, ready func() (bool, string)) http.Handler {
	mux := http.NewServeMux()
	status := func(r *http.Request) (raft.Status, error) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		return src.Status(ctx)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := status(r); err != nil {
			http.Error(w, "node not running: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if ok, why := ready(); !ok {
			http.Error(w, "not ready: "+why, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		st, err := status(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(describe(st))
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		st, err := status(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		writeMetrics(w, describe(st))
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// writeMetrics writes the Prometheus text exposition format.
func writeMetrics(w interface{ Write([]byte) (int, error) }, s nodeStatus) {
	var b strings.Builder
	gauge := func(name, help string, value uint64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, value)
	}
	isLeader := uint64(0)
	if s.Role == "leader" {
		isLeader = 1
	}
	gauge("sqlraft_term", "Current raft term.", s.Term)
	gauge("sqlraft_leader_id", "Id of the leader this node knows, 0 if none.", s.Leader)
	gauge("sqlraft_is_leader", "1 if this node is the leader.", isLeader)
	gauge("sqlraft_commit_index", "Highest log index known committed.", s.CommitIndex)
	gauge("sqlraft_applied_index", "Highest log index applied to the state machine.", s.AppliedIndex)
	gauge("sqlraft_members", "Members in the configuration.", uint64(len(s.Members)))
	if isLeader == 1 {
		b.WriteString("# HELP sqlraft_follower_lag Entries a member is behind the commit index (leader only).\n# TYPE sqlraft_follower_lag gauge\n")
		for _, m := range s.Members {
			fmt.Fprintf(&b, "sqlraft_follower_lag{member=\"%d\"} %d\n", m.ID, m.Lag)
		}
	}
	_, _ = w.Write([]byte(b.String()))
}
