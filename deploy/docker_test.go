package deploy

// The Dockerfile, scripts/build.sh and .dockerignore.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN…
	args string
}

// parseDockerfile returns the instructions of a Dockerfile, split by stage.
func parseDockerfile(t *testing.T) [][]instruction {
	t.Helper()
	b, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]instruction
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("Dockerfile: %s before FROM", in.cmd)
			}
			return
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if l, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), `\`); ok {
			cur.WriteString(l + " ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	flush()
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a final one", len(stages))
	}
	return stages
}

// find returns the arguments of the stage's instructions named cmd.
func find(stage []instruction, cmd string) []string {
	var out []string
	for _, in := range stage {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t)
	final := stages[len(stages)-1]
	base := strings.Fields(final[0].args)[0]
	if !strings.HasPrefix(base, "gcr.io/distroless/static") && base != "scratch" {
		t.Errorf("final stage FROM %s, want distroless/static or scratch", base)
	}
	users := find(final, "USER")
	if len(users) == 0 {
		t.Error("final stage has no USER")
	}
	for _, u := range users {
		if uid, _, _ := strings.Cut(u, ":"); uid == "0" || uid == "root" || uid == "" {
			t.Errorf("final stage USER %s is root", u)
		}
	}
	for _, tt := range []struct{ cmd, want string }{
		{"ENTRYPOINT", `["/rolebot"]`},
		{"CMD", `["serve"]`},
		{"EXPOSE", "8080"},
	} {
		if got := find(final, tt.cmd); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("final stage %s %v, want %s", tt.cmd, got, tt.want)
		}
	}
	// The binary, and the data folder owned by the non-root user; nothing else.
	copies := find(final, "COPY")
	if len(copies) != 2 || !strings.HasPrefix(copies[0], "--from=") || !strings.HasSuffix(copies[0], " /rolebot") {
		t.Errorf("final stage COPY %v, want the binary to /rolebot, then the data folder", copies)
	}
	if len(copies) < 2 || !strings.HasPrefix(copies[1], "--from=") || !strings.Contains(copies[1], "--chown=65532:65532 ") ||
		!strings.HasSuffix(copies[1], " /data") {
		t.Errorf("final stage COPY %v: want the data folder, owned by 65532:65532, to /data", copies)
	}
	if got := find(final, "ENV"); !slices.Contains(got, "DATA_DIR=/data") {
		t.Errorf("final stage ENV %v, want DATA_DIR=/data", got)
	}
	if got := find(final, "VOLUME"); !slices.Equal(got, []string{`["/data"]`}) {
		t.Errorf("final stage VOLUME %v, want [\"/data\"]", got)
	}
	if !slices.ContainsFunc(find(stages[0], "RUN"), func(r string) bool { return strings.Contains(r, "mkdir -p /out/data") }) {
		t.Error("build stage does not make the data folder")
	}

	builder := stages[0]
	from := strings.Fields(builder[0].args)
	gomod, err := os.ReadFile(goModPath)
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+(\.\d+)?)$`).FindSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("go.mod has no go line")
	}
	if want := "golang:" + string(goVersion[1]); !strings.HasPrefix(from[0], want) {
		t.Errorf("build stage FROM %s, want %s… as go.mod says", from[0], want)
	}
	if len(from) != 3 || !strings.EqualFold(from[1], "AS") {
		t.Errorf("build stage is not named: FROM %s", builder[0].args)
	}
	args := find(builder, "ARG")
	for _, want := range []string{"VERSION=dev", "COMMIT=unknown"} {
		if !slices.Contains(args, want) {
			t.Errorf("build stage lacks ARG %s (has %v)", want, args)
		}
	}
	// go mod download comes before the sources are copied in.
	download, copyAll := -1, -1
	for i, in := range builder {
		if in.cmd == "RUN" && strings.Contains(in.args, "go mod download") {
			download = i
		}
		if in.cmd == "COPY" && strings.HasPrefix(in.args, ". ") && copyAll < 0 {
			copyAll = i
		}
	}
	if download < 0 || copyAll < download {
		t.Errorf("go mod download (instruction %d) is not a layer before COPY . (instruction %d)", download, copyAll)
	}

	env, build := dockerGoBuild(t)
	checks := []struct {
		name string
		ok   bool
	}{
		{"CGO_ENABLED=0", slices.Contains(env, "CGO_ENABLED=0")},
		{"-trimpath", slices.Contains(build, "-trimpath")},
		{"-ldflags with main.version and main.commit", ldflags(build) == "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}"},
		{"builds ./cmd/rolebot", len(build) > 0 && build[len(build)-1] == "./cmd/rolebot"},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("Dockerfile go build: %s: not so (env %q, args %q)", ch.name, env, build)
		}
	}
}

// ldflags returns the value of -ldflags among go build's arguments.
func ldflags(args []string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "-ldflags="); ok {
			return v
		}
		if a == "-ldflags" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// dockerGoBuild returns the Dockerfile's go build command.
func dockerGoBuild(t *testing.T) (env, args []string) {
	t.Helper()
	for _, stage := range parseDockerfile(t) {
		for _, run := range find(stage, "RUN") {
			if strings.Contains(run, "go build") {
				return goBuild(t, run)
			}
		}
	}
	t.Fatal("Dockerfile: no RUN with go build")
	return nil, nil
}

// scriptGoBuild returns scripts/build.sh's go build command.
func scriptGoBuild(t *testing.T) (env, args []string) {
	t.Helper()
	b, err := os.ReadFile(buildScript)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for line := range strings.Lines(text) {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") && strings.Contains(line, "go build") {
			return goBuild(t, line)
		}
	}
	t.Fatal("scripts/build.sh: no go build line")
	return nil, nil
}

// goBuild splits a shell command line and returns the variables assigned
// just before go build, and go build's arguments less -o and its value,
// which differ between the Dockerfile and the script.
func goBuild(t *testing.T, line string) (env, args []string) {
	t.Helper()
	words, err := shellWords(line)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	at := -1
	for i := 0; i+1 < len(words); i++ {
		if words[i] == "go" && words[i+1] == "build" {
			at = i
			break
		}
	}
	if at < 0 {
		t.Fatalf("%q: no go build", line)
	}
	for i := at - 1; i >= 0 && regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`).MatchString(words[i]); i-- {
		env = append([]string{words[i]}, env...)
	}
	for i := at + 2; i < len(words); i++ {
		switch w := words[i]; {
		case w == "&&" || w == "||" || w == ";" || w == "|":
			return env, args
		case w == "-o":
			i++
		case strings.HasPrefix(w, "-o="):
		default:
			args = append(args, w)
		}
	}
	return env, args
}

// shellWords splits a line as a POSIX shell would, without expanding
// anything: quotes are removed, ${VAR} is kept as written, and unquoted
// ; & | are words of their own.
func shellWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	end := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\'':
			j := slices.Index(rs[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated single quote")
			}
			cur.WriteString(string(rs[i+1 : i+1+j]))
			i += j + 1
			inWord = true
		case r == '"':
			i++
			for ; i < len(rs) && rs[i] != '"'; i++ {
				if rs[i] == '\\' && i+1 < len(rs) && strings.ContainsRune("\"\\$`", rs[i+1]) {
					i++
				}
				cur.WriteRune(rs[i])
			}
			if i >= len(rs) {
				return nil, fmt.Errorf("unterminated double quote")
			}
			inWord = true
		case r == '\\' && i+1 < len(rs):
			i++
			cur.WriteRune(rs[i])
			inWord = true
		case r == '#' && !inWord:
			end()
			return words, nil
		case r == ';' || r == '&' || r == '|':
			end()
			op := string(r)
			if i+1 < len(rs) && rs[i+1] == r {
				op += string(r)
				i++
			}
			words = append(words, op)
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			end()
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	end()
	return words, nil
}

func TestShellWords(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`a b  c`, []string{"a", "b", "c"}},
		{`X=0 go build -ldflags "-s -X main.v=${V}" -o "$out" ./x`, []string{"X=0", "go", "build", "-ldflags", "-s -X main.v=${V}", "-o", "$out", "./x"}},
		{`a 'b c' d\ e "f\"g"`, []string{"a", "b c", "d e", `f"g`}},
		{`a && b;c # note`, []string{"a", "&&", "b", ";", "c"}},
	}
	for _, tt := range tests {
		got, err := shellWords(tt.line)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("shellWords(%q) = %q, %v; want %q", tt.line, got, err, tt.want)
		}
	}
	for _, bad := range []string{`a "b`, `a 'b`} {
		if _, err := shellWords(bad); err == nil {
			t.Errorf("shellWords(%q) succeeded", bad)
		}
	}
}

func TestBuildScriptMatchesDockerfile(t *testing.T) {
	dEnv, dArgs := dockerGoBuild(t)
	sEnv, sArgs := scriptGoBuild(t)
	if !slices.Equal(dEnv, sEnv) || !slices.Equal(dArgs, sArgs) {
		t.Errorf("go build differs:\nDockerfile       %q %q\nscripts/build.sh %q %q", dEnv, dArgs, sEnv, sArgs)
	}
	b, err := os.ReadFile(buildScript)
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	for _, want := range []string{"git describe --always --dirty", "git rev-parse --short HEAD", "echo dev", "echo unknown", "bin/rolebot"} {
		if !strings.Contains(script, want) {
			t.Errorf("scripts/build.sh lacks %q", want)
		}
	}
	if info, err := os.Stat(buildScript); err == nil && info.Mode()&0o111 == 0 {
		t.Error("scripts/build.sh is not executable")
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		if out, err := exec.Command(sh, "-n", buildScript).CombinedOutput(); err != nil {
			t.Errorf("sh -n scripts/build.sh: %v\n%s", err, out)
		}
	}
}

func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(dockerignore)
	if err != nil {
		t.Fatal(err)
	}
	patterns := map[string]bool{}
	for line := range strings.Lines(string(b)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns[strings.Trim(line, "/")] = true
		}
	}
	for _, want := range []string{".git", "deploy", "docs", "bin", "**/*.test"} {
		if !patterns[want] {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
	// What the build needs must stay in the context.
	for _, need := range []string{"go.mod", "go.sum", "cmd", "internal", "content", "*.md", "**/*.md", "**/*.go", "*"} {
		if patterns[need] {
			t.Errorf(".dockerignore excludes %s, which the build needs", need)
		}
	}
}
