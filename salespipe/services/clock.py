"""The current time. ``SALESPIPE_NOW`` (ISO 8601) freezes it, for tests and reproducible demos."""

from __future__ import annotations

import os
from datetime import datetime

from salespipe.domain.errors import InvalidValue


def now() -> datetime:
    """The current local time, timezone-aware."""
    frozen = os.environ.get("SALESPIPE_NOW")
    if frozen:
        try:
            return datetime.fromisoformat(frozen.replace("Z", "+00:00")).astimezone()
        except ValueError:
            raise InvalidValue(f"invalid $SALESPIPE_NOW {frozen!r}: use ISO 8601") from None
    return datetime.now().astimezone()
