"""Static files storage for production: hashed, compressed names served by WhiteNoise."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, tolerant of one thing: a vendored library's `sourceMappingURL`
    comment whose `.map` file was not vendored. Source maps are a debugging aid; without this,
    one such comment makes `collectstatic` (and so a deployment) fail. Any other missing
    reference still fails."""

    def url_converter(
        self, name: str, hashed_files: Any, template: str | None = None
    ) -> Callable[[re.Match[str]], str]:
        convert = super().url_converter(name, hashed_files, template)

        def converter(match: re.Match[str]) -> str:
            url = match.group("url")
            if url.endswith(".map") and not re.match(r"^[a-z]+:|//", url):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), url))
                if not self.exists(target):
                    return match.group("matched")
            return convert(match)

        return converter
