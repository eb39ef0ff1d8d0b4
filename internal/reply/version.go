package reply

// blockVersion is the context block naming the content's version.
const blockVersion = "rolebot_version"

// versionFooter adds the content's version at the foot of a card, last: it
// takes what room is left and gives way first.
func versionFooter(c *composer, version string) {
	if version == "" {
		return
	}
	c.context(slotFooter, blockVersion, "Contenu : version "+esc(version))
}
