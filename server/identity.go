package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// identity is written into the data directory the first time a node starts
// in it. A restart with another node id or cluster refuses to start, so a
// data directory is never served by the wrong node.
type identity struct {
	ClusterID string `json:"cluster_id"`
	NodeID    uint64 `json:"node_id"`
}

const identityFile = "identity.json"

// ErrIdentityMismatch is returned when a data directory belongs to another
// node or cluster.
var ErrIdentityMismatch = errors.New("data directory belongs to another node or cluster")

// loadOrCreateIdentity returns the identity stored in dir, creating it from
// want if the directory is new. An empty want.ClusterID accepts whatever is
// stored (or generates a fresh id for a new single-node cluster).
func loadOrCreateIdentity(dir string, want identity) (identity, error) {
	path := filepath.Join(dir, identityFile)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		var got identity
		if err := json.Unmarshal(data, &got); err != nil {
			return identity{}, fmt.Errorf("read %s: %w", path, err)
		}
		if got.NodeID != want.NodeID {
			return identity{}, fmt.Errorf("%w: %s was initialised for node %d, not node %d", ErrIdentityMismatch, dir, got.NodeID, want.NodeID)
		}
		if want.ClusterID != "" && got.ClusterID != want.ClusterID {
			return identity{}, fmt.Errorf("%w: %s belongs to cluster %s, not %s", ErrIdentityMismatch, dir, got.ClusterID, want.ClusterID)
		}
		return got, nil
	case errors.Is(err, os.ErrNotExist):
	default:
		return identity{}, fmt.Errorf("read %s: %w", path, err)
	}
	if want.ClusterID == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return identity{}, err
		}
		want.ClusterID = hex.EncodeToString(b[:])
	}
	data, err = json.MarshalIndent(want, "", "  ")
	if err != nil {
		return identity{}, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return identity{}, fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := syncFile(tmp); err != nil {
		return identity{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return identity{}, fmt.Errorf("install %s: %w", path, err)
	}
	return want, syncFile(dir)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// ParseCluster parses "1=host:port,2=host:port" into a membership map.
func ParseCluster(spec string) (map[uint64]string, error) {
	peers := map[uint64]string{}
	if strings.TrimSpace(spec) == "" {
		return peers, nil
	}
	for _, part := range strings.Split(spec, ",") {
		idText, addr, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || addr == "" {
			return nil, fmt.Errorf("cluster member %q: want ID=HOST:PORT", part)
		}
		id, err := strconv.ParseUint(idText, 10, 64)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("cluster member %q: the id must be a positive integer", part)
		}
		if _, dup := peers[id]; dup {
			return nil, fmt.Errorf("cluster member %d listed twice", id)
		}
		peers[id] = addr
	}
	return peers, nil
}

// clusterIDFor derives the cluster id from the bootstrap membership, so
// every founding node started with the same --cluster agrees on it.
func clusterIDFor(peers map[uint64]string) string {
	ids := make([]uint64, 0, len(peers))
	for id := range peers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	h := sha256.New()
	for _, id := range ids {
		fmt.Fprintf(h, "%d=%s,", id, peers[id])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
