"""What every route is handed: a database session, the token's holder (checked, scoped
and rate-limited), and the caller's language."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from casework.i18n import LANGUAGES
from casework.outbox.api_tokens import Scope, TokenHolder, authenticate, require_scope

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from Administration → Integrations: "
    "`Authorization: Bearer pantau_…`.",
)


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))


class TokenBuckets:
    """A token bucket per API token, in this process: with several replicas the limit
    applies per replica (documented in docs/decisions.md)."""

    def __init__(self, *, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: int) -> float:
        """Spend one request of `key`; 0 when allowed, else the seconds until it would be."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine(), expire_on_commit=False) as session:
        yield session


def language(request: Request) -> str:
    """The caller's language from Accept-Language (id or en); English otherwise."""
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def holder(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    session: Session = Depends(get_session),
) -> TokenHolder:
    found = authenticate(session=session, token=credentials.credentials if credentials else None)
    wait = request.app.state.buckets.take(found.token_id)
    if wait:
        raise RateLimited(wait)
    return found


def scoped(scope: Scope):
    """A dependency: the holder, if its token carries `scope` (else 403)."""

    def check(found: TokenHolder = Depends(holder)) -> TokenHolder:
        require_scope(found, scope)
        return found

    return check


read_cases = scoped(Scope.READ_CASES)
act_on_cases = scoped(Scope.ACT_ON_CASES)
read_aggregates = scoped(Scope.READ_AGGREGATES)
edit_calendar = scoped(Scope.EDIT_CALENDAR)
