package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

func runServe(_ context.Context, env *environment, _ []string) int {
	fmt.Fprintln(env.stderr, "rolebot serve : pas encore disponible")
	return 1
}

// runHealthcheck asks a local rolebot for /healthz: the container image has
// no shell or curl, so the binary checks itself.
func runHealthcheck(ctx context.Context, env *environment, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(env.stdout, "Usage : rolebot healthcheck\nInterroge http://127.0.0.1:PORT/healthz (PORT de HTTP_ADDR) ; code 0 si rolebot répond.")
		return 0
	}
	addr := env.getenv("HTTP_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	if addr[0] == ':' {
		addr = "127.0.0.1" + addr
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		fmt.Fprintf(env.stderr, "healthcheck : %v\n", err)
		return 1
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.stderr, "healthcheck : %v\n", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(env.stderr, "healthcheck : %s\n", res.Status)
		return 1
	}
	return 0
}
