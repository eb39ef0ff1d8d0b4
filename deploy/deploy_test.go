// Package deploy holds no Go code: its test checks the shipping files, the
// Slack app manifest, the Kubernetes and compose files, the Dockerfile and
// scripts/build.sh, so that they keep the properties the deployment relies
// on.
package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
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
		{"bot scopes, the minimal set", sorted(m.OAuthConfig.Scopes.Bot), []string{"app_mentions:read", "chat:write", "commands", "im:history"}},
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

// kustomization is the part of a kustomization.yaml the test reads.
type kustomization struct {
	object    `yaml:",inline"`
	Namespace string   `yaml:"namespace"`
	Resources []string `yaml:"resources"`
	Patches   []struct {
		Path string `yaml:"path"`
	} `yaml:"patches"`
}

func TestKustomizations(t *testing.T) {
	var found []string
	for _, p := range yamlFiles(t, kubeDir) {
		if filepath.Base(p) == "kustomization.yaml" {
			found = append(found, p)
		}
	}
	if len(found) < 2 {
		t.Fatalf("kustomizations %v, want the base and the content overlay", found)
	}
	for _, path := range found {
		t.Run(path, func(t *testing.T) {
			k := decodeOne[kustomization](t, path, false)
			dir := filepath.Dir(path)
			if k.Kind != "Kustomization" || k.APIVersion != "kustomize.config.k8s.io/v1beta1" {
				t.Errorf("kind %q, apiVersion %q", k.Kind, k.APIVersion)
			}
			if len(k.Resources) == 0 {
				t.Fatal("no resources")
			}
			listed := map[string]bool{}
			refs := slices.Clone(k.Resources)
			for _, p := range k.Patches {
				refs = append(refs, p.Path)
			}
			for _, r := range refs {
				target := filepath.Join(dir, r)
				listed[filepath.Clean(target)] = true
				info, err := os.Stat(target)
				if err != nil {
					t.Errorf("%s: %v", r, err)
					continue
				}
				if info.IsDir() {
					target = filepath.Join(target, "kustomization.yaml")
				}
				if strings.Contains(r, ".example.") {
					t.Errorf("%s: an example is listed", r)
				}
				for i, o := range decodeAll[object](t, target, false) {
					if o.Kind == "" {
						t.Errorf("%s: document %d has no kind", r, i+1)
					}
				}
			}
			// Every other manifest of the folder is listed, but the
			// examples: none is forgotten.
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				name := e.Name()
				if e.IsDir() || filepath.Ext(name) != ".yaml" || name == "kustomization.yaml" || strings.Contains(name, ".example.") {
					continue
				}
				if !listed[filepath.Join(dir, name)] {
					t.Errorf("%s is not listed in %s", name, path)
				}
			}
		})
	}
}

// Kubernetes types, as far as the test reads them.
type (
	labelSelector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	}
	envVar struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	}
	probe struct {
		HTTPGet *struct {
			Path string `yaml:"path"`
			Port any    `yaml:"port"`
		} `yaml:"httpGet"`
	}
	volumeMount struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		SubPath   string `yaml:"subPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	}
	container struct {
		Name  string   `yaml:"name"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
		Env   []envVar `yaml:"env"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		ReadinessProbe *probe `yaml:"readinessProbe"`
		LivenessProbe  *probe `yaml:"livenessProbe"`
		StartupProbe   *probe `yaml:"startupProbe"`
		Resources      struct {
			Requests map[string]string `yaml:"requests"`
			Limits   map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		SecurityContext struct {
			AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
			ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
			Privileged               *bool `yaml:"privileged"`
			Capabilities             struct {
				Add  []string `yaml:"add"`
				Drop []string `yaml:"drop"`
			} `yaml:"capabilities"`
		} `yaml:"securityContext"`
		VolumeMounts []volumeMount `yaml:"volumeMounts"`
	}
	volume struct {
		Name   string `yaml:"name"`
		Secret *struct {
			SecretName string `yaml:"secretName"`
			Items      []struct {
				Key  string `yaml:"key"`
				Path string `yaml:"path"`
			} `yaml:"items"`
		} `yaml:"secret"`
		ConfigMap *struct {
			Name string `yaml:"name"`
		} `yaml:"configMap"`
	}
	deployment struct {
		object `yaml:",inline"`
		Spec   struct {
			Replicas int           `yaml:"replicas"`
			Selector labelSelector `yaml:"selector"`
			Template struct {
				Metadata struct {
					Labels map[string]string `yaml:"labels"`
				} `yaml:"metadata"`
				Spec struct {
					TerminationGracePeriodSeconds int   `yaml:"terminationGracePeriodSeconds"`
					AutomountServiceAccountToken  *bool `yaml:"automountServiceAccountToken"`
					SecurityContext               struct {
						RunAsNonRoot   *bool  `yaml:"runAsNonRoot"`
						RunAsUser      *int64 `yaml:"runAsUser"`
						RunAsGroup     *int64 `yaml:"runAsGroup"`
						FSGroup        *int64 `yaml:"fsGroup"`
						SeccompProfile struct {
							Type string `yaml:"type"`
						} `yaml:"seccompProfile"`
					} `yaml:"securityContext"`
					Containers []container `yaml:"containers"`
					Volumes    []volume    `yaml:"volumes"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
)

// env returns the value of the variable name, and whether it is set.
func (c container) env(name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// subset reports whether every label of sel is in labels.
func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return len(sel) > 0
}

func loadDeployment(t *testing.T) (deployment, container) {
	t.Helper()
	d := decodeOne[deployment](t, filepath.Join(kubeDir, "deployment.yaml"), false)
	if d.Kind != "Deployment" || d.APIVersion != "apps/v1" {
		t.Fatalf("deployment.yaml holds %s %s", d.APIVersion, d.Kind)
	}
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(d.Spec.Template.Spec.Containers))
	}
	return d, d.Spec.Template.Spec.Containers[0]
}

func TestDeployment(t *testing.T) {
	d, c := loadDeployment(t)
	pod := d.Spec.Template.Spec
	isTrue := func(b *bool) bool { return b != nil && *b }
	isFalse := func(b *bool) bool { return b != nil && !*b }
	is := func(p *int64, v int64) bool { return p != nil && *p == v }

	httpPort := false
	for _, p := range c.Ports {
		httpPort = httpPort || p.Name == "http" && p.ContainerPort == 8080
	}
	probeOn := func(p *probe, path string) bool {
		return p != nil && p.HTTPGet != nil && p.HTTPGet.Path == path && (p.HTTPGet.Port == "http" || p.HTTPGet.Port == 8080)
	}
	httpAddr, _ := c.env("HTTP_ADDR")
	logFormat, _ := c.env("LOG_FORMAT")
	checks := []struct {
		name string
		ok   bool
	}{
		{"2 replicas", d.Spec.Replicas == 2},
		{"selector matches the pod labels", subset(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)},
		{"image", strings.HasPrefix(c.Image, "ghcr.io/rolebot/rolebot:")},
		{"args serve", slices.Equal(c.Args, []string{"serve"})},
		{"port 8080 named http", httpPort},
		{"HTTP_ADDR :8080", httpAddr == ":8080"},
		{"LOG_FORMAT json", logFormat == "json"},
		{"readiness probe on /readyz", probeOn(c.ReadinessProbe, "/readyz")},
		{"liveness probe on /healthz", probeOn(c.LivenessProbe, "/healthz")},
		{"startup probe, if any, on /healthz", c.StartupProbe == nil || probeOn(c.StartupProbe, "/healthz")},
		{"cpu and memory requests", c.Resources.Requests["cpu"] != "" && c.Resources.Requests["memory"] != ""},
		{"cpu and memory limits", c.Resources.Limits["cpu"] != "" && c.Resources.Limits["memory"] != ""},
		{"pod runAsNonRoot", isTrue(pod.SecurityContext.RunAsNonRoot)},
		{"pod runs as 65532:65532", is(pod.SecurityContext.RunAsUser, 65532) && is(pod.SecurityContext.RunAsGroup, 65532) && is(pod.SecurityContext.FSGroup, 65532)},
		{"pod seccomp RuntimeDefault", pod.SecurityContext.SeccompProfile.Type == "RuntimeDefault"},
		{"no privilege escalation", isFalse(c.SecurityContext.AllowPrivilegeEscalation)},
		{"read-only root file system", isTrue(c.SecurityContext.ReadOnlyRootFilesystem)},
		{"not privileged", c.SecurityContext.Privileged == nil || !*c.SecurityContext.Privileged},
		{"capabilities drop ALL, add none", slices.Equal(c.SecurityContext.Capabilities.Drop, []string{"ALL"}) && len(c.SecurityContext.Capabilities.Add) == 0},
		{"no service account token", isFalse(pod.AutomountServiceAccountToken)},
		{"grace period above the 10 s drain", pod.TerminationGracePeriodSeconds > 10},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("deployment: %s: not so", ch.name)
		}
	}
	if _, ok := c.env("CONTENT_DIR"); ok {
		t.Errorf("the base sets CONTENT_DIR; the content overlay does")
	}
}

// TestDeploymentResourcesComment checks the resource figures say where they
// are to come from.
func TestDeploymentResourcesComment(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(kubeDir, "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "docs/benchmarks.md") {
		t.Error("deployment.yaml does not say the resources come from docs/benchmarks.md")
	}
}

func TestDeploymentTokensFromSecretFiles(t *testing.T) {
	d, c := loadDeployment(t)
	vols := map[string]volume{}
	for _, v := range d.Spec.Template.Spec.Volumes {
		vols[v.Name] = v
	}
	secret := decodeOne[struct {
		object     `yaml:",inline"`
		StringData map[string]string `yaml:"stringData"`
	}](t, filepath.Join(kubeDir, "secret.example.yaml"), false)
	if secret.Kind != "Secret" || secret.Metadata.Name != "rolebot-tokens" {
		t.Fatalf("secret.example.yaml holds %s %s", secret.Kind, secret.Metadata.Name)
	}
	for _, tt := range []struct{ variable, key, prefix string }{
		{"SLACK_APP_TOKEN_FILE", "app-token", "xapp-"},
		{"SLACK_BOT_TOKEN_FILE", "bot-token", "xoxb-"},
		{"DATABASE_URL_FILE", "database-url", "postgres://"},
	} {
		t.Run(tt.variable, func(t *testing.T) {
			if _, ok := c.env(strings.TrimSuffix(tt.variable, "_FILE")); ok {
				t.Errorf("the token itself is in the environment")
			}
			path, ok := c.env(tt.variable)
			if !ok {
				t.Fatalf("%s is not set", tt.variable)
			}
			// The file is in a read-only mount of the Secret rolebot-tokens,
			// under the name the Secret's key is projected to.
			var mount *volumeMount
			for i, m := range c.VolumeMounts {
				if strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/") {
					mount = &c.VolumeMounts[i]
				}
			}
			if mount == nil {
				t.Fatalf("%s=%s is in no mount", tt.variable, path)
			}
			if !mount.ReadOnly || mount.SubPath != "" {
				t.Errorf("mount %s: readOnly %v, subPath %q", mount.MountPath, mount.ReadOnly, mount.SubPath)
			}
			v := vols[mount.Name]
			if v.Secret == nil || v.Secret.SecretName != "rolebot-tokens" {
				t.Fatalf("mount %s is not the Secret rolebot-tokens", mount.MountPath)
			}
			file := strings.TrimPrefix(path, strings.TrimSuffix(mount.MountPath, "/")+"/")
			projected := file == tt.key && len(v.Secret.Items) == 0
			for _, it := range v.Secret.Items {
				projected = projected || it.Key == tt.key && it.Path == file
			}
			if !projected {
				t.Errorf("%s is not where the key %s is mounted", path, tt.key)
			}
			if !strings.HasPrefix(secret.StringData[tt.key], tt.prefix) {
				t.Errorf("secret.example.yaml: key %s = %q, want a %s… placeholder", tt.key, secret.StringData[tt.key], tt.prefix)
			}
		})
	}
}

// TestPostgresExample: the example StatefulSet that the Deployment's 2 replicas can share (when
// no managed PostgreSQL is at hand) has its Service, a volume per pod, and a password from a
// Secret; the Secret's example URL points at that Service.
func TestPostgresExample(t *testing.T) {
	d, _ := loadDeployment(t)
	if d.Spec.Replicas < 2 {
		t.Errorf("Deployment runs %d replicas, want 2 on PostgreSQL", d.Spec.Replicas)
	}
	type doc struct {
		object `yaml:",inline"`
		Spec   struct {
			ServiceName          string `yaml:"serviceName"`
			VolumeClaimTemplates []struct {
				Metadata struct {
					Name string `yaml:"name"`
				} `yaml:"metadata"`
			} `yaml:"volumeClaimTemplates"`
			Ports []struct {
				Port int `yaml:"port"`
			} `yaml:"ports"`
			Template struct {
				Spec struct {
					Containers []container `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	docs := decodeAll[doc](t, filepath.Join(kubeDir, "postgres.example.yaml"), false)
	var svc, sts *doc
	for i := range docs {
		switch docs[i].Kind {
		case "Service":
			svc = &docs[i]
		case "StatefulSet":
			sts = &docs[i]
		}
	}
	if svc == nil || sts == nil {
		t.Fatalf("postgres.example.yaml: want a Service and a StatefulSet, got %d documents", len(docs))
	}
	if sts.Spec.ServiceName != svc.Metadata.Name || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 5432 {
		t.Errorf("StatefulSet serviceName %q, Service %q ports %v", sts.Spec.ServiceName, svc.Metadata.Name, svc.Spec.Ports)
	}
	if len(sts.Spec.VolumeClaimTemplates) != 1 {
		t.Errorf("StatefulSet has %d volume claim templates, want 1", len(sts.Spec.VolumeClaimTemplates))
	}
	cs := sts.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%d containers", len(cs))
	}
	if pw, ok := cs[0].env("POSTGRES_PASSWORD_FILE"); !ok || pw == "" {
		t.Error("the PostgreSQL password does not come from a file")
	}
	if _, ok := cs[0].env("POSTGRES_PASSWORD"); ok {
		t.Error("the PostgreSQL password is in the environment")
	}
	secret := decodeOne[struct {
		StringData map[string]string `yaml:"stringData"`
	}](t, filepath.Join(kubeDir, "secret.example.yaml"), false)
	if url := secret.StringData["database-url"]; !strings.Contains(url, "@"+svc.Metadata.Name+":5432/") {
		t.Errorf("secret.example.yaml database-url %q does not point at the example Service %s", url, svc.Metadata.Name)
	}
}

func TestPodDisruptionBudgetAndService(t *testing.T) {
	d, _ := loadDeployment(t)
	labels := d.Spec.Template.Metadata.Labels

	pdb := decodeOne[struct {
		object `yaml:",inline"`
		Spec   struct {
			MinAvailable   any           `yaml:"minAvailable"`
			MaxUnavailable any           `yaml:"maxUnavailable"`
			Selector       labelSelector `yaml:"selector"`
		} `yaml:"spec"`
	}](t, filepath.Join(kubeDir, "pdb.yaml"), false)
	if pdb.Kind != "PodDisruptionBudget" || pdb.APIVersion != "policy/v1" {
		t.Errorf("pdb.yaml holds %s %s", pdb.APIVersion, pdb.Kind)
	}
	if pdb.Spec.MinAvailable != 1 || pdb.Spec.MaxUnavailable != nil {
		t.Errorf("PDB minAvailable %v, maxUnavailable %v; want 1 and none", pdb.Spec.MinAvailable, pdb.Spec.MaxUnavailable)
	}
	if !subset(pdb.Spec.Selector.MatchLabels, labels) {
		t.Errorf("PDB selector %v does not select the pods %v", pdb.Spec.Selector.MatchLabels, labels)
	}

	svc := decodeOne[struct {
		object `yaml:",inline"`
		Spec   struct {
			Type     string            `yaml:"type"`
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				Name       string `yaml:"name"`
				Port       int    `yaml:"port"`
				TargetPort any    `yaml:"targetPort"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}](t, filepath.Join(kubeDir, "service.yaml"), false)
	if svc.Kind != "Service" || svc.Spec.Type != "ClusterIP" {
		t.Errorf("service.yaml holds a %s of type %q, want a ClusterIP Service", svc.Kind, svc.Spec.Type)
	}
	if !subset(svc.Spec.Selector, labels) {
		t.Errorf("Service selector %v does not select the pods %v", svc.Spec.Selector, labels)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "http" || svc.Spec.Ports[0].Port != 8080 || svc.Spec.Ports[0].TargetPort != "http" {
		t.Errorf("Service ports %+v, want http 8080 to the port named http", svc.Spec.Ports)
	}
}

func TestContentOverlay(t *testing.T) {
	_, base := loadDeployment(t)
	patch := decodeOne[deployment](t, filepath.Join(kubeDir, "content", "deployment-patch.yaml"), false)
	if patch.Kind != "Deployment" || patch.Metadata.Name != "rolebot" || len(patch.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("the patch does not target the rolebot container of the Deployment rolebot")
	}
	c := patch.Spec.Template.Spec.Containers[0]
	if c.Name != base.Name {
		t.Errorf("the patch names container %q, the base %q", c.Name, base.Name)
	}
	if dir, _ := c.env("CONTENT_DIR"); dir != "/content" {
		t.Errorf("CONTENT_DIR = %q, want /content", dir)
	}
	var mount *volumeMount
	for i, m := range c.VolumeMounts {
		if m.MountPath == "/content" {
			mount = &c.VolumeMounts[i]
		}
	}
	if mount == nil || !mount.ReadOnly || mount.SubPath != "" {
		// A subPath mount is never updated when the ConfigMap changes.
		t.Fatalf("/content mount %+v, want a whole read-only mount", mount)
	}
	for _, v := range patch.Spec.Template.Spec.Volumes {
		if v.Name == mount.Name && (v.ConfigMap == nil || v.ConfigMap.Name != "rolebot-content") {
			t.Errorf("volume %s is not the ConfigMap rolebot-content", v.Name)
		}
	}
	cm := decodeOne[struct {
		object `yaml:",inline"`
		Data   map[string]string `yaml:"data"`
	}](t, filepath.Join(kubeDir, "content", "configmap-content.example.yaml"), false)
	if cm.Kind != "ConfigMap" || cm.Metadata.Name != "rolebot-content" || cm.Data["README.md"] == "" {
		t.Errorf("configmap-content.example.yaml: %s %s with keys %v; want ConfigMap rolebot-content with README.md", cm.Kind, cm.Metadata.Name, slices.Collect(mapsKeys(cm.Data)))
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

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
