"""The lifecycle of a release: a numbered draft (:mod:`.drafts`, written whole by :mod:`.staging`,
checked by :mod:`.checks`, listed by :mod:`.reviewers`), signed off (:mod:`.signoff`) and
published (:mod:`.publish`), with its manifest (:mod:`.manifest`), the site's indexes
(:mod:`.site`), the build lock (:mod:`.lock`) and the table cache (:mod:`.cache`)."""
