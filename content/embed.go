// Package content embeds the default content folder: the team page
// (README.md, as GitBook lays it out) and one page per role.
package content

import "embed"

// FS is the default content folder, compiled into the binary.
//
//go:embed *.md
var FS embed.FS
