// Package etcdcompare benchmarks sqlraft's raft package against etcd's raft
// (go.etcd.io/raft/v3) on one workload: a cluster of RawNodes in one
// process, MemoryStorage without fsync, messages delivered by calling Step
// on the target. A small node interface wraps each library, so the loop
// that proposes, handles Readys and counts applied entries is the same code
// for both.
//
// It is a module of its own so that the product never depends on etcd:
// `go test ./...` at the repository root does not reach it.
package etcdcompare
