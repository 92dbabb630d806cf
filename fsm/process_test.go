package fsm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Some tests need a second process: a replica whose environment differs
// (TZ), or one that is killed with SIGKILL. They re-run this test binary
// with FSM_HELPER naming the job; TestHelperProcess does the job and exits.

const helperEnv = "FSM_HELPER"

func TestHelperProcess(t *testing.T) {
	job := os.Getenv(helperEnv)
	if job == "" {
		t.Skip("runs only as a child process of other tests")
	}
	if os.Getenv("FSM_NO_TZ_PIN") == "1" {
		pinTimeZone = false
	}
	var err error
	switch job {
	case "matrix":
		err = matrixChild(os.Getenv("FSM_CASE"), os.Getenv("FSM_DIR"))
	case "crash":
		err = crashChild(os.Getenv("FSM_DIR"))
	default:
		err = fmt.Errorf("unknown helper job %q", job)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// helperCmd prepares a child process running job with extra environment.
func helperCmd(job string, env ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	c.Env = append(os.Environ(), helperEnv+"="+job)
	c.Env = append(c.Env, env...)
	return c
}

// runHelper runs a child to completion and decodes the JSON it prints on
// its last line.
func runHelper(t *testing.T, out any, job string, env ...string) {
	t.Helper()
	c := helperCmd(job, env...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	stdout, err := c.Output()
	if err != nil {
		t.Fatalf("helper %s: %v\n%s", job, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), out); err != nil {
		t.Fatalf("helper %s output %q: %v", job, stdout, err)
	}
}
