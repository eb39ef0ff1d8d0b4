//go:build tools

// This file pins modules that the packages being written will import, so that
// go mod tidy keeps them meanwhile. Remove it once every module is imported.
package main

import (
	_ "github.com/blevesearch/bleve/v2"
	_ "github.com/caarlos0/env/v11"
	_ "github.com/fsnotify/fsnotify"
	_ "github.com/gorilla/websocket"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/slack-go/slack"
	_ "github.com/yuin/goldmark"
	_ "github.com/yuin/goldmark-meta"
	_ "gopkg.in/yaml.v3"
)
