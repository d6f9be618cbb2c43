"""statgen: reproducible official statistics publications from source extracts.

The public API is small: build a release, load a publication's config, and the helpers that
publication transforms use. Everything else is internal.
"""

from statgen.config import Publication, load_publication
from statgen.errors import ConfigError, ExtractError, StatgenError, TemplateError
from statgen.periods import Periods, Quarter
from statgen.tables import group_by_quarter, quarter_code, quarter_ends

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "ExtractError",
    "Periods",
    "Publication",
    "Quarter",
    "StatgenError",
    "TemplateError",
    "__version__",
    "build",
    "group_by_quarter",
    "load_publication",
    "quarter_code",
    "quarter_ends",
]


def build(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Build a release (see :func:`statgen.pipeline.build`)."""
    from statgen.pipeline import build as _build

    return _build(*args, **kwargs)
