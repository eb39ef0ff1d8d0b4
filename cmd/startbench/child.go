package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/logtail"
	"github.com/rolebot/rolebot/internal/slacktest"
)

const (
	// readyTimeout bounds the wait for the first 200 from /readyz.
	readyTimeout = 10 * time.Second
	// pollInterval is how often /readyz is asked.
	pollInterval = time.Millisecond
	// probeTimeout bounds one /readyz request.
	probeTimeout = 100 * time.Millisecond
	// exitTimeout bounds the wait for the exit after SIGTERM: rolebot's
	// default SHUTDOWN_TIMEOUT (10 s) plus its 5 s for the socket to close.
	exitTimeout = 20 * time.Second
	// answerTimeout bounds the questions of one run.
	answerTimeout = 60 * time.Second
	// logTail is how much of the child's output is kept to explain a failure.
	logTail = 8 << 10
)

// build builds rolebot into dir with scripts/build.sh and returns its path.
func build(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD : %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("pas de module Go ici : lancez startbench dans le dépôt rolebot, ou donnez -bin")
	}
	root := filepath.Dir(gomod)
	script := filepath.Join(root, "scripts", "build.sh")
	if _, err := os.Stat(script); err != nil {
		return "", fmt.Errorf("%w (lancez startbench dans le dépôt rolebot, ou donnez -bin)", err)
	}
	bin := filepath.Join(dir, "rolebot")
	cmd := exec.CommandContext(ctx, "sh", script, bin)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("construction de rolebot (%s) : %w", script, err)
	}
	return bin, nil
}

// binaryVersion is the first line of `bin version`, or the file name when
// the binary does not answer.
func binaryVersion(ctx context.Context, bin string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "version").Output()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if err != nil || line == "" {
		return filepath.Base(bin)
	}
	return line
}

// freeAddr returns 127.0.0.1:PORT with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// childEnv is environ without rolebot's own variables (and their _FILE
// companions, which Vars lists too), plus the settings of one run.
func childEnv(environ []string, srv *slacktest.Server, addr, contentDir string) []string {
	own := map[string]bool{}
	for _, v := range config.Vars() {
		own[v.Name] = true
	}
	env := make([]string, 0, len(environ)+6)
	for _, kv := range environ {
		if name, _, _ := strings.Cut(kv, "="); !own[name] {
			env = append(env, kv)
		}
	}
	cfg := srv.Config()
	env = append(env,
		"SLACK_APP_TOKEN="+cfg.AppToken,
		"SLACK_BOT_TOKEN="+cfg.BotToken,
		"SLACK_API_URL="+srv.APIURL(),
		"HTTP_ADDR="+addr,
		"LOG_LEVEL=warn",
		// The default SQLite database, out of the working folder; kept between runs, as a
		// restarted rolebot finds it.
		"DATA_DIR="+filepath.Join(os.TempDir(), "rolebot-startbench-data"),
	)
	if contentDir != "" {
		env = append(env, "CONTENT_DIR="+contentDir)
	}
	return env
}

// child is one running rolebot.
type child struct {
	cmd     *exec.Cmd
	logs    *logtail.Buffer
	exited  chan struct{} // closed once Wait returned
	waitErr error         // Wait's result, set before exited is closed
}

func (c *child) hasExited() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// failure wraps err with the end of the child's output.
func (c *child) failure(err error) error {
	if c.hasExited() {
		if logs := strings.TrimSpace(c.logs.String()); logs != "" {
			return fmt.Errorf("%w\nsortie de rolebot :\n%s", err, logs)
		}
	}
	return err
}

// kill stops the child at once and waits for it.
func (c *child) kill() {
	if !c.hasExited() {
		_ = c.cmd.Process.Kill()
	}
	<-c.exited
}

// runOnce starts the binary, waits until it is ready, reads its memory, asks
// it ask questions (and reads its memory again), then stops it with SIGTERM.
func runOnce(ctx context.Context, srv *slacktest.Server, o options, ask int) (runResult, error) {
	var r runResult
	addr, err := freeAddr()
	if err != nil {
		return r, err
	}
	c := &child{logs: logtail.New(logTail), exited: make(chan struct{})}
	c.cmd = exec.Command(o.bin, "serve")
	c.cmd.Env = childEnv(os.Environ(), srv, addr, o.content)
	c.cmd.Stdout, c.cmd.Stderr = c.logs, c.logs
	opened := srv.Connections()

	start := time.Now()
	if err := c.cmd.Start(); err != nil {
		return r, err
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	defer c.kill() // a no-op once it exited

	if r.startup, err = waitReady(ctx, c, "http://"+addr+"/readyz", start); err != nil {
		return r, c.failure(err)
	}
	pid := c.cmd.Process.Pid
	if r.started, err = readMemory(pid); err != nil {
		return r, err
	}

	if ask > 0 {
		actx, cancel := context.WithTimeout(ctx, answerTimeout)
		defer cancel()
		// The child is ready once it got the hello; the fake routes to its
		// connection right after writing it.
		if err := srv.WaitConnections(actx, opened+1); err != nil {
			return r, c.failure(err)
		}
		srv.ResetRecords()
		if err := askQuestions(actx, srv, ask); err != nil {
			return r, c.failure(err)
		}
		r.asked = ask
		if r.served, err = readMemory(pid); err != nil {
			return r, err
		}
	}

	stopped := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return r, c.failure(fmt.Errorf("SIGTERM : %w", err))
	}
	timer := time.NewTimer(exitTimeout)
	defer timer.Stop()
	select {
	case <-c.exited:
		r.shutdown = time.Since(stopped)
		r.cpu = c.cmd.ProcessState.UserTime() + c.cmd.ProcessState.SystemTime()
	case <-timer.C:
		return r, fmt.Errorf("toujours là %s après SIGTERM", exitTimeout)
	case <-ctx.Done():
		return r, ctx.Err()
	}
	if c.waitErr != nil {
		return r, c.failure(fmt.Errorf("arrêt sur SIGTERM : %w (code 0 attendu)", c.waitErr))
	}

	// The next child must not find this one's connection still open: the
	// fake would route questions to it.
	if err := waitNoConnection(ctx, srv); err != nil {
		return r, err
	}
	return r, nil
}

// waitReady polls url every pollInterval until it answers 200 and returns
// the time since start.
func waitReady(ctx context.Context, c *child, url string, start time.Time) (time.Duration, error) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: probeTimeout}
	deadline := time.NewTimer(readyTimeout - time.Since(start))
	defer deadline.Stop()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	last := "pas de réponse"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		if res, err := client.Do(req); err == nil {
			body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
			last = res.Status + " : " + strings.Join(strings.Fields(string(body)), " ")
		}
		select {
		case <-tick.C:
		case <-c.exited:
			return 0, fmt.Errorf("rolebot s'est arrêté avant d'être prêt : %v", c.waitErr)
		case <-deadline.C:
			return 0, fmt.Errorf("/readyz sans 200 après %s (dernière réponse : %s)", readyTimeout, last)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// waitNoConnection waits until the fake has no socket-mode connection open.
func waitNoConnection(ctx context.Context, srv *slacktest.Server) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for srv.ActiveConnections() > 0 {
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("la connexion socket-mode reste ouverte après l'arrêt : %w", ctx.Err())
		}
	}
	return nil
}

// memory is what /proc/PID/status says of a process's memory, in bytes.
type memory struct {
	rss  int64 // VmRSS: resident now
	anon int64 // RssAnon: resident and not backed by a file (heap, stacks)
	hwm  int64 // VmHWM: the most resident ever
}

func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, fmt.Errorf("mémoire de rolebot : %w", err)
	}
	defer f.Close()
	return parseStatus(f)
}

// parseStatus reads the memory lines of a /proc/PID/status ("VmRSS:  1234 kB").
func parseStatus(r io.Reader) (memory, error) {
	var m memory
	fields := map[string]*int64{"VmRSS": &m.rss, "RssAnon": &m.anon, "VmHWM": &m.hwm}
	found := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		p := fields[name]
		if !ok || p == nil {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return m, fmt.Errorf("/proc/PID/status : ligne %s illisible : %q", name, sc.Text())
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return m, fmt.Errorf("/proc/PID/status : %s : %w", name, err)
		}
		*p = kb << 10
		found++
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if found != len(fields) {
		return m, errors.New("/proc/PID/status : VmRSS, RssAnon ou VmHWM absent")
	}
	return m, nil
}
