package main

import (
	"os/exec"
	"syscall"
)

// stopWithParent has Linux send the bot SIGTERM if this process dies
// without stopping it, so that no bot outlives a killed load test.
func stopWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
