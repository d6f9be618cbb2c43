"""The HTML publication: the commentary's Jinja context (:mod:`.commentary`), HTML fragments
(:mod:`.html`), the page's Quarto markdown (:mod:`.assemble`) and rendering (:mod:`.render`)."""
