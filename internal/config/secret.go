package config

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// redacted is what every printed form of a Secret shows.
const redacted = "[redacted]"

// Secret is a Slack token. Every way of printing it (fmt verbs, JSON, text
// marshalling, slog) shows "[redacted]": only Reveal gives the token, and it
// is called only where the token is handed to slack-go.
//
// Two ways around it remain, as for any string type, and must not be used:
// converting it (string(s)), and using it as a JSON map key, which
// encoding/json writes as the string itself.
type Secret string

// Reveal returns the token itself. Call it only to hand the token to the
// Slack client, never to log or print it.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer and prints "[redacted]".
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer (the %#v verb) and prints "[redacted]".
func (Secret) GoString() string { return redacted }

// Format implements fmt.Formatter, so that every verb and flag (%v, %+v,
// %#v, %s, %q, %x, ...) prints "[redacted]"; %q quotes it.
func (Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = io.WriteString(f, strconv.Quote(redacted))
		return
	}
	_, _ = io.WriteString(f, redacted)
}

// MarshalJSON implements json.Marshaler and writes "[redacted]".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(redacted)), nil }

// MarshalText implements encoding.TextMarshaler (used by YAML encoders and by
// JSON for map keys) and writes [redacted].
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue implements slog.LogValuer and logs "[redacted]".
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
