package server

import (
	"errors"
	"testing"
)

func TestParseCluster(t *testing.T) {
	peers, err := ParseCluster("1=127.0.0.1:7433, 2=127.0.0.1:7434,3=h:7435")
	if err != nil {
		t.Fatal(err)
	}
	if len(peers) != 3 || peers[2] != "127.0.0.1:7434" || peers[3] != "h:7435" {
		t.Fatalf("parsed %v", peers)
	}
	for _, bad := range []string{"1", "x=h:1", "0=h:1", "1=", "1=h:1,1=h:2"} {
		if _, err := ParseCluster(bad); err == nil {
			t.Errorf("ParseCluster(%q) accepted", bad)
		}
	}
	if p, err := ParseCluster(" "); err != nil || len(p) != 0 {
		t.Fatalf("empty spec: %v, %v", p, err)
	}
}

// Founding nodes started with the same --cluster agree on the cluster id,
// whatever the order of the list; another membership gives another id.
func TestClusterIDFromMembership(t *testing.T) {
	a, _ := ParseCluster("1=a:1,2=b:2,3=c:3")
	b, _ := ParseCluster("3=c:3,1=a:1,2=b:2")
	c, _ := ParseCluster("1=a:1,2=b:2,3=c:4")
	if clusterIDFor(a) != clusterIDFor(b) || clusterIDFor(a) == clusterIDFor(c) {
		t.Fatal("cluster ids must depend on the membership only")
	}
}

// A data directory remembers its node and cluster and refuses others.
func TestIdentity(t *testing.T) {
	dir := t.TempDir()
	first, err := loadOrCreateIdentity(dir, identity{NodeID: 1})
	if err != nil || first.ClusterID == "" {
		t.Fatalf("new directory: %+v, %v", first, err)
	}
	again, err := loadOrCreateIdentity(dir, identity{NodeID: 1})
	if err != nil || again != first {
		t.Fatalf("restart: %+v, %v; want %+v", again, err, first)
	}
	if _, err := loadOrCreateIdentity(dir, identity{NodeID: 2}); !errors.Is(err, ErrIdentityMismatch) {
		t.Fatalf("another node id: %v", err)
	}
	if _, err := loadOrCreateIdentity(dir, identity{NodeID: 1, ClusterID: "other"}); !errors.Is(err, ErrIdentityMismatch) {
		t.Fatalf("another cluster: %v", err)
	}
}
