package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCompose(t *testing.T) {
	type service struct {
		Build struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Image       string            `yaml:"image"`
		Environment map[string]string `yaml:"environment"`
		Secrets     []string          `yaml:"secrets"`
		ReadOnly    bool              `yaml:"read_only"`
		User        string            `yaml:"user"`
		CapDrop     []string          `yaml:"cap_drop"`
		SecurityOpt []string          `yaml:"security_opt"`
		Ports       []string          `yaml:"ports"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		Restart   string   `yaml:"restart"`
		Volumes   []string `yaml:"volumes"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	}
	f := decodeOne[struct {
		Services map[string]service `yaml:"services"`
		Secrets  map[string]struct {
			File string `yaml:"file"`
		} `yaml:"secrets"`
		Volumes map[string]any `yaml:"volumes"`
	}](t, composePath, false)
	s, ok := f.Services["rolebot"]
	if !ok {
		t.Fatalf("no rolebot service in %v", f.Services)
	}
	uid, _, _ := strings.Cut(s.User, ":")
	checks := []struct {
		name string
		ok   bool
	}{
		{"builds the repository's Dockerfile", filepath.Join(s.Build.Context, s.Build.Dockerfile) == dockerfilePath},
		{"image named", s.Image != ""},
		{"read_only", s.ReadOnly},
		{"user 65532:65532", s.User == "65532:65532" && uid != "0" && uid != "root"},
		{"cap_drop ALL", slices.Equal(s.CapDrop, []string{"ALL"})},
		{"no-new-privileges", slices.Contains(s.SecurityOpt, "no-new-privileges:true")},
		{"port 8080", slices.ContainsFunc(s.Ports, func(p string) bool { return strings.HasSuffix(p, ":8080") })},
		{"healthcheck by the binary", slices.Equal(s.Healthcheck.Test, []string{"CMD", "/rolebot", "healthcheck"})},
		{"restart unless-stopped", s.Restart == "unless-stopped"},
		{"three secrets: two tokens and the database URL", len(s.Secrets) == 3},
		{"the data folder on a named volume", slices.Contains(s.Volumes, "rolebot-data:/data")},
		{"waits for a healthy postgres", s.DependsOn["postgres"].Condition == "service_healthy"},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("compose: %s: not so", ch.name)
		}
	}
	for _, v := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "DATABASE_URL"} {
		if _, ok := s.Environment[v]; ok {
			t.Errorf("%s itself is in the environment", v)
		}
		path := s.Environment[v+"_FILE"]
		name, ok := strings.CutPrefix(path, "/run/secrets/")
		if !ok || !slices.Contains(s.Secrets, name) {
			t.Errorf("%s_FILE = %q, want /run/secrets/ and one of the service's secrets %v", v, path, s.Secrets)
			continue
		}
		if file := f.Secrets[name].File; !strings.HasPrefix(file, "./secrets/") {
			t.Errorf("secret %s comes from %q, want a file in ./secrets/", name, file)
		}
	}
	// PostgreSQL: its data on a named volume, its password from a secret file, not published.
	pg, ok := f.Services["postgres"]
	if !ok {
		t.Fatal("no postgres service")
	}
	if !slices.Contains(pg.Volumes, "postgres-data:/var/lib/postgresql/data") {
		t.Errorf("postgres volumes %v, want the named volume postgres-data", pg.Volumes)
	}
	if pw := pg.Environment["POSTGRES_PASSWORD_FILE"]; !strings.HasPrefix(pw, "/run/secrets/") || pg.Environment["POSTGRES_PASSWORD"] != "" {
		t.Errorf("postgres password: POSTGRES_PASSWORD_FILE = %q, want a secret file and no POSTGRES_PASSWORD", pw)
	}
	if len(pg.Ports) != 0 {
		t.Errorf("postgres publishes ports %v", pg.Ports)
	}
	if len(pg.Healthcheck.Test) == 0 {
		t.Error("postgres has no healthcheck (rolebot waits for it)")
	}
	for _, v := range []string{"rolebot-data", "postgres-data"} {
		if _, ok := f.Volumes[v]; !ok {
			t.Errorf("volume %s not declared", v)
		}
	}
	for name, sec := range f.Secrets {
		if !strings.HasPrefix(sec.File, "./secrets/") {
			t.Errorf("secret %s comes from %q, want a file in ./secrets/", name, sec.File)
		}
	}

	// The token files must never be committed.
	ignore, err := os.ReadFile("secrets/.gitignore")
	if err != nil || !slices.Contains(strings.Fields(string(ignore)), "*") {
		t.Errorf("secrets/.gitignore does not ignore the tokens: %v", err)
	}
}
