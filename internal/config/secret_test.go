package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func errorf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func TestSecretReveal(t *testing.T) {
	if got := Secret(botTok).Reveal(); got != botTok {
		t.Errorf("Reveal = %q", got)
	}
	if got := Secret("").Reveal(); got != "" {
		t.Errorf("Reveal of empty = %q", got)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	s := Secret(botTok)
	cfg := Config{AppToken: Secret(appTok), BotToken: s, Workers: 8}
	type holder struct {
		Token Secret
		Ptr   *Secret
	}
	h := holder{Token: s, Ptr: &s}

	var forms = map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%20s", "%-8v", "%T %v"} {
		forms["fmt "+verb] = fmt.Sprintf(verb, s)
		forms["fmt ptr "+verb] = fmt.Sprintf(verb, &s)
		forms["fmt config "+verb] = fmt.Sprintf(verb, cfg)
		forms["fmt config ptr "+verb] = fmt.Sprintf(verb, &cfg)
		forms["fmt holder "+verb] = fmt.Sprintf(verb, h)
		forms["fmt slice "+verb] = fmt.Sprintf(verb, []Secret{s})
		forms["fmt map "+verb] = fmt.Sprintf(verb, map[string]Secret{"t": s})
	}
	forms["Sprint"] = fmt.Sprint(s, cfg)
	forms["Sprintln"] = fmt.Sprintln(s, cfg)
	forms["String"] = s.String()
	forms["GoString"] = s.GoString()
	forms["error %v"] = fmt.Errorf("connexion refusée avec %v", s).Error()
	forms["error %w"] = fmt.Errorf("échec : %w", errors.New(fmt.Sprint(s))).Error()

	var logBuf bytes.Buffer
	logger := log.New(&logBuf, "", 0)
	logger.Printf("%v %+v %s", s, cfg, s)
	logger.Println(s, cfg)
	forms["log"] = logBuf.String()

	for name, v := range map[string]any{"secret": s, "config": cfg, "ptr": &cfg, "holder": h} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", name, err)
		}
		forms["json "+name] = string(b)
		y, err := yaml.Marshal(v)
		if err != nil {
			t.Fatalf("yaml.Marshal(%s): %v", name, err)
		}
		forms["yaml "+name] = string(y)
	}
	txt, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	forms["MarshalText"] = string(txt)

	for _, h := range []struct {
		name string
		new  func(*bytes.Buffer) slog.Handler
	}{
		{"json", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
		{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
	} {
		var buf bytes.Buffer
		l := slog.New(h.new(&buf))
		l.Info("jeton", "token", s, "config", cfg, "holder", h, slog.Any("any", s), slog.Any("ptr", &s))
		l.With("token", s).WithGroup("g").Info("with", "config", &cfg)
		l.Info("fmt", "msg", fmt.Sprint(s))
		forms["slog "+h.name] = buf.String()
	}
	var buf bytes.Buffer
	cfg.Logger(&buf).Info("start", "config", cfg)
	forms["config logger"] = buf.String()

	for name, got := range forms {
		if strings.Contains(got, botTok) || strings.Contains(got, appTok) || strings.Contains(got, "xoxb") || strings.Contains(got, "xapp") {
			t.Errorf("%s shows a token: %s", name, got)
		}
	}
	for _, name := range []string{"fmt %v", "fmt %+v", "fmt %#v", "fmt %s", "fmt %x", "String", "GoString", "MarshalText", "fmt ptr %v"} {
		if forms[name] != "[redacted]" {
			t.Errorf("%s = %q, want [redacted]", name, forms[name])
		}
	}
	if forms["fmt %q"] != `"[redacted]"` {
		t.Errorf("%%q = %s", forms["fmt %q"])
	}
	if forms["json secret"] != `"[redacted]"` {
		t.Errorf("JSON = %s", forms["json secret"])
	}
	if !strings.Contains(forms["slog json"], `"token":"[redacted]"`) {
		t.Errorf("slog JSON = %s", forms["slog json"])
	}
	if !strings.Contains(forms["slog text"], `token=[redacted]`) {
		t.Errorf("slog text = %s", forms["slog text"])
	}
	if !strings.Contains(forms["config logger"], `"app_token_set":true`) {
		t.Errorf("Config.LogValue = %s", forms["config logger"])
	}
	if v := s.LogValue(); v.Kind() != slog.KindString || v.String() != "[redacted]" {
		t.Errorf("LogValue = %v", v)
	}
}
