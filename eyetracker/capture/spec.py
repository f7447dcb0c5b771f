"""Source specifications: the one text form in which every caller names a frame source.

    "webcam", "webcam:1", "synthetic:reading", "video:clip.mp4", "folder:frames/"  kind[:option]
    "clip.mp4", "frames/", "1"                   bare: the kind that claims it (capture/base.py)

    spec = parse_source_spec("synthetic:reading", kinds=("webcam", "synthetic"))
    source = spec.create(synthetic={"seed": 3}, webcam={"fps": 30.0})   # not yet opened

A bare specification is tried as a claim first, so an existing file whose name holds a colon
stays a file; a one-letter "kind" is a Windows drive ("C:\\clips\\a.mp4"), never a kind.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from eyetracker.capture.base import FrameSource, SourceError, create_source, registered_sources


class SourceSpecError(SourceError):
    """A source specification that names no source the caller accepts."""


@dataclass(frozen=True)
class SourceSpec:
    """A parsed specification: the kind and the options its text gives ({"device": "1"})."""

    kind: str
    options: dict[str, Any] = field(default_factory=dict)

    def create(self, **settings: Mapping[str, Any]) -> FrameSource:
        """The (not yet opened) source; `settings[kind]` adds the caller's options for it."""
        return create_source(self.kind, **self.options, **settings.get(self.kind, {}))


def parse_source_spec(
    spec: str, kinds: Collection[str] | None = None, usage: str | None = None
) -> SourceSpec:
    """`spec` as one of `kinds` (default: every registered kind), or a SourceSpecError whose
    sentence ends in "give {usage}" (default: the accepted kinds)."""
    registered = registered_sources()
    allowed = {kind: registered[kind] for kind in sorted(kinds or registered) if kind in registered}
    usage = usage or "one of " + ", ".join(
        f"{kind}:<{entry.option}>" if entry.option else kind for kind, entry in allowed.items()
    )
    for kind, entry in allowed.items():
        if entry.claims is not None and entry.option and entry.claims(spec):
            return SourceSpec(kind, {entry.option: spec})
    kind, colon, option = spec.partition(":")
    takes_paths = any(entry.option == "path" for entry in allowed.values())
    if colon and len(kind) > 1 and kind.isidentifier():
        if kind in allowed:
            key = allowed[kind].option
            return SourceSpec(kind, {key: option} if option and key else {})
        if takes_paths:
            raise SourceSpecError(f"Unknown source kind {kind!r}; give {usage}.")
    elif spec in allowed:
        return SourceSpec(spec)
    elif takes_paths:
        raise SourceSpecError(f"{spec} does not exist; give {usage}.")
    raise SourceSpecError(f"Unknown source {spec!r}; give {usage}.")
