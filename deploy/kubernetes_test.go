package deploy

// The Kubernetes manifests: kustomizations, the Deployment, the Secret, the PostgreSQL example.

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

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
