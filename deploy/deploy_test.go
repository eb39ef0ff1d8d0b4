// Package deploy holds no Go code: its test checks the shipping files, the
// Slack app manifest, the Kubernetes and compose files, the Dockerfile and
// scripts/build.sh, so that they keep the properties the deployment relies
// on.
package deploy

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Paths, relative to this folder (go test runs in it).
const (
	manifestPath   = "slack/manifest.yaml"
	kubeDir        = "kubernetes"
	composePath    = "compose.yaml"
	dockerfilePath = "../Dockerfile"
	dockerignore   = "../.dockerignore"
	buildScript    = "../scripts/build.sh"
	goModPath      = "../go.mod"
)

// decodeAll decodes every YAML document of a file into a fresh T each.
func decodeAll[T any](t *testing.T, path string, strict bool) []T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(strict)
	var docs []T
	for {
		var doc T
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", path, len(docs)+1, err)
		}
		docs = append(docs, doc)
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no YAML document", path)
	}
	return docs
}

// decodeOne decodes a file holding exactly one YAML document.
func decodeOne[T any](t *testing.T, path string, strict bool) T {
	t.Helper()
	docs := decodeAll[T](t, path, strict)
	if len(docs) != 1 {
		t.Fatalf("%s: %d documents, want 1", path, len(docs))
	}
	return docs[0]
}

// yamlFiles lists the YAML files under dir.
func yamlFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// object is what every Kubernetes object has.
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string            `yaml:"name"`
		Namespace string            `yaml:"namespace"`
		Labels    map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
}

func TestEveryYAMLFileParses(t *testing.T) {
	files := yamlFiles(t, ".")
	for _, want := range []string{manifestPath, composePath, filepath.Join(kubeDir, "deployment.yaml"), filepath.Join(kubeDir, "kustomization.yaml")} {
		if !slices.Contains(files, want) {
			t.Errorf("%s is missing (found %v)", want, files)
		}
	}
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			docs := decodeAll[map[string]any](t, path, false)
			for i, doc := range docs {
				if len(doc) == 0 {
					t.Errorf("document %d is empty", i+1)
				}
			}
			if !strings.HasPrefix(path, kubeDir+string(filepath.Separator)) {
				return
			}
			for i, o := range decodeAll[object](t, path, false) {
				if o.APIVersion == "" || o.Kind == "" || (o.Kind != "Kustomization" && o.Metadata.Name == "") {
					t.Errorf("document %d lacks apiVersion, kind or metadata.name: %+v", i+1, o)
				}
			}
		})
	}
}

// slackManifest is the part of Slack's app manifest schema rolebot uses;
// decoding it strictly catches misspelt keys.
type slackManifest struct {
	Metadata struct {
		MajorVersion int `yaml:"major_version"`
		MinorVersion int `yaml:"minor_version"`
	} `yaml:"_metadata"`
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		LongDescription string `yaml:"long_description"`
		BackgroundColor string `yaml:"background_color"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTabEnabled             bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			Description  string `yaml:"description"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
			UserEvents []string `yaml:"user_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

func TestSlackManifest(t *testing.T) {
	m := decodeOne[slackManifest](t, manifestPath, true)
	sorted := func(s []string) []string { return slices.Sorted(slices.Values(s)) }
	cmd := struct{ Command, Description, UsageHint string }{}
	if len(m.Features.SlashCommands) == 1 {
		c := m.Features.SlashCommands[0]
		cmd.Command, cmd.Description, cmd.UsageHint = c.Command, c.Description, c.UsageHint
		if c.URL != "" || c.ShouldEscape {
			t.Errorf("slash command: url %q, should_escape %v; want none and false in Socket Mode", c.URL, c.ShouldEscape)
		}
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"manifest major version", m.Metadata.MajorVersion, 1},
		{"app name", m.DisplayInformation.Name, "rolebot"},
		{"bot display name", m.Features.BotUser.DisplayName, "rolebot"},
		{"bot always online", m.Features.BotUser.AlwaysOnline, false},
		{"home tab", m.Features.AppHome.HomeTabEnabled, true},
		{"messages tab", m.Features.AppHome.MessagesTabEnabled, true},
		{"messages tab writable", m.Features.AppHome.MessagesTabReadOnlyEnabled, false},
		{"slash command", cmd, struct{ Command, Description, UsageHint string }{"/role", "Qui fait quoi dans l'équipe produit", "[rôle ou question]"}},
		{"bot scopes, the minimal set (users:read for guests and names, channels:read and groups:read for who is in a channel, channels:history and groups:history for a retried answer to find its earlier post)", sorted(m.OAuthConfig.Scopes.Bot), []string{"app_mentions:read", "channels:history", "channels:read", "chat:write", "commands", "groups:history", "groups:read", "im:history", "users:read"}},
		{"no user scopes", len(m.OAuthConfig.Scopes.User), 0},
		{"bot events", sorted(m.Settings.EventSubscriptions.BotEvents), []string{"app_home_opened", "app_mention", "message.im"}},
		{"no user events", len(m.Settings.EventSubscriptions.UserEvents), 0},
		{"no event request URL in Socket Mode", m.Settings.EventSubscriptions.RequestURL, ""},
		{"interactivity", m.Settings.Interactivity.IsEnabled, true},
		{"no interactivity request URL in Socket Mode", m.Settings.Interactivity.RequestURL, ""},
		{"socket mode", m.Settings.SocketModeEnabled, true},
		{"org deploy", m.Settings.OrgDeployEnabled, false},
		{"token rotation", m.Settings.TokenRotationEnabled, false},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// Slack's own limits on the descriptions.
	if n := len([]rune(m.DisplayInformation.Description)); n == 0 || n > 140 {
		t.Errorf("description has %d characters, want 1 to 140", n)
	}
	if n := len([]rune(m.DisplayInformation.LongDescription)); n != 0 && (n < 175 || n > 4000) {
		t.Errorf("long_description has %d characters, want 175 to 4000", n)
	}
	if !regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`).MatchString(m.DisplayInformation.BackgroundColor) {
		t.Errorf("background_color %q is not #RRGGBB", m.DisplayInformation.BackgroundColor)
	}
	if !strings.ContainsAny(m.DisplayInformation.Description, "éèàç") {
		t.Errorf("description %q does not look French", m.DisplayInformation.Description)
	}
}
