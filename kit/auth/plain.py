"""One request through a flow auth on plain requests: the other driver of :mod:`kit.auth.flow`'s seam.

The flow's auth exchanges are sent here (by the auth's own sender); its business request goes back
to requests, which sends it; its answer comes back through a response hook, where the flow goes on
(a check, the one retry), as requests' own ``HTTPDigestAuth.handle_401`` does: the refused answer
is read and closed, the body rewound, the cookies it set carried.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar

from kit.auth.flow import Done, Exchange, Flow, Send, advance
from kit.errors import KitError

__all__ = ["PlainDriver"]


class PlainDriver:
    """Drives one request's ``flow`` on plain requests (see the module's docstring): its auth exchanges
    go out through ``send``, the last answer through ``finish`` (a redirect check) back to requests."""

    def __init__(
        self,
        flow: Flow[None],
        request: requests.PreparedRequest,
        send: Send,
        finish: Callable[[requests.Response], requests.Response],
    ) -> None:
        self.flow = flow
        self.send = send
        self.finish = finish
        tell = getattr(request.body, "tell", None)
        self.position = tell() if callable(tell) else None

    def start(self) -> requests.PreparedRequest:
        try:
            step = advance(self.flow, lambda: next(self.flow), self.send, until_business=True)
        except BaseException:
            self.flow.close()
            raise
        if isinstance(step, Done):  # a flow that sends nothing itself: nothing more to do
            raise KitError("an auth flow ended without yielding its request")
        request = step.request
        assert isinstance(request, requests.PreparedRequest)
        request.register_hook("response", self.answered)
        return request

    def answered(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """The response hook: the flow reads the answer; a business exchange it yields is sent at once."""
        try:
            current = response
            step = self._feed(current)
            while not isinstance(step, Done):
                again = step.request
                assert isinstance(again, requests.PreparedRequest)
                self._rewind(again, current)
                retried: requests.Response = current.connection.send(again, **kwargs)
                retried.history.append(current)
                retried.request = again
                current = retried
                step = self._feed(current)
        finally:
            self.flow.close()
        return self.finish(current)

    def _feed(self, answer: requests.Response) -> Exchange | Done[None]:
        """Give the flow ``answer``; what it yields next that requests must send, or its end."""
        return advance(self.flow, lambda: self.flow.send(answer), self.send, until_business=True)

    def _rewind(self, again: requests.PreparedRequest, refused: requests.Response) -> None:
        """Ready ``again`` to go out after ``refused``: its body at the start, the cookies set so far."""
        _ = refused.content  # read the refused answer so its connection can be reused
        refused.close()
        if self.position is not None:
            seek = getattr(again.body, "seek", None)
            if callable(seek):
                seek(self.position)
        jar = again._cookies if again._cookies is not None else RequestsCookieJar()  # a request's own cookies
        extract_cookies_to_jar(jar, refused.request, refused.raw)
        again.headers.pop("Cookie", None)
        again.prepare_cookies(jar)
