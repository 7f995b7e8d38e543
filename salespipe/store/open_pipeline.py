"""The one definition of "in the open pipeline as of a day", for every read path that counts
open deals (reports, as-of reports, the forecast and the backtest, ``today``, staleness,
priority and the stale rules).

A deal is in the open pipeline on day D when its stage is open and it is not parked: it has no
nurture date, or that date is D or earlier (it is back on its date). The fragments read the
lead as ``l`` and its stage as ``s``; each takes the day (an ISO date, local) as its one ``?``.
As of a past moment, ``l`` is the state rebuilt for then (``reports._state``), whose
``nurture_until`` the history of estimates gives as it was then.
"""

from __future__ import annotations

# open and not parked on the day given
IN_PIPELINE = "(s.kind = 'open' AND (l.nurture_until IS NULL OR l.nurture_until <= ?))"
# A deal back from nurture is idle from the day it came back, not from before it was parked:
# its last touch for staleness is the later of the two (NULL: never touched).
BACK_AT = "(l.nurture_until || 'T00:00:00Z')"
LAST_TOUCH = f"(CASE WHEN {BACK_AT} > coalesce(l.last_touch_at, '') THEN {BACK_AT} ELSE l.last_touch_at END)"
# A period's figures (the forecast, target coverage, the backtest) count a deal that is parked
# now but back by the period's last day: open and back by day D, D the later of that last day and
# today, is this same predicate with D as its ``?``. Such a deal cannot close before it is back:
# its close date is taken as no earlier than its park date (CLOSE_FROM; NULL: no expected close).
BACK_BY = IN_PIPELINE
CLOSE_FROM = "max(l.expected_close, coalesce(l.nurture_until, l.expected_close))"
# open and parked on the day given (lead list --nurtured)
PARKED = "(s.kind = 'open' AND l.nurture_until IS NOT NULL AND l.nurture_until > ?)"
