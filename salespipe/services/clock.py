"""The current time. ``SALESPIPE_NOW`` (ISO 8601) freezes it, for tests and reproducible demos."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

from salespipe.domain.errors import InvalidValue

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current local time, timezone-aware."""
    frozen = os.environ.get("SALESPIPE_NOW")
    if frozen:
        try:
            return datetime.fromisoformat(frozen.replace("Z", "+00:00")).astimezone()
        except ValueError:
            raise InvalidValue(f"invalid $SALESPIPE_NOW {frozen!r}: use ISO 8601") from None
    return datetime.now().astimezone()


def local_zone(now: datetime) -> ZoneInfo | None:
    """The system's time zone as an IANA zone (``Europe/Berlin``): from ``$TZ`` when set, else
    from where ``/etc/localtime`` links to. None when it cannot be known (no name, a POSIX rule
    such as ``CET-1CEST``, an unknown name) or when the zone found disagrees with the offset the
    system uses at ``now`` (a stale link): a caller then writes UTC, never a guessed offset."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    tz = os.environ.get("TZ")
    if tz is not None:
        name = tz.lstrip(":")
    else:
        try:
            name = os.path.realpath("/etc/localtime") if os.path.islink("/etc/localtime") else ""
        except OSError:
            name = ""
    if "zoneinfo/" in name:  # a path into the zone database: its name is what follows
        name = name.split("zoneinfo/", 1)[1]
    if not name or name.startswith("/"):
        return None
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return zone if now.astimezone(zone).utcoffset() == now.astimezone().utcoffset() else None
