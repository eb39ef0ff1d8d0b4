package knowledge

import "io/fs"

// FolderVersion is the version Load gives a folder: a short hash of its
// files, for `rolebot version --content`.
func FolderVersion(fsys fs.FS) string { return version(fsys) }
