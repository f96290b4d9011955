"""A Streamlit client without a browser: it speaks the app's websocket protocol (`/_stcore/stream`).

What the browser's JavaScript does, reduced to what a load test needs: open a session on a URL
(`/exportations?territoire=dep:04`), ask for reruns (`BackMsg.rerun_script` with the query string, the
page's script hash or name and the widget states), and read the server's messages until
`script_finished`. Nothing is drawn, so only the server is timed. Used by `bench.server_load`, and by
the first-visitor and nginx tests. Loopback only: the URL must be 127.0.0.1 / localhost.
"""
from __future__ import annotations

import http.cookiejar
import time
import urllib.parse
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import socket

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect as ws_connect   # a dependency of streamlit
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class _CountingSocket(socket.socket):
    """Counts the bytes really received (compressed frames included), as a browser's network panel would."""
    received = 0

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        data = super().recv(bufsize, flags)
        self.received += len(data)
        return data


class ProtocolError(RuntimeError):
    """The server closed, timed out or answered something a browser could not use."""


@dataclass
class Rerun:
    """What one rerun sent back."""
    seconds: float
    bytes: int                      # received on the wire (compressed if the server compresses)
    messages: int
    uncompressed_bytes: int = 0     # the messages themselves
    exceptions: list[str] = field(default_factory=list)   # text of st.exception elements shown in the page
    page_not_found: bool = False
    headings: list[str] = field(default_factory=list)      # st.title / st.header / … texts, in order
    markdown: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)     # labels of download buttons
    charts: list[str] = field(default_factory=list)        # plotly specs (JSON) of the charts drawn
    metrics: int = 0                                       # st.metric cards drawn
    alerts: list[str] = field(default_factory=list)        # st.info / st.warning / st.error texts
    status: str = ""


@dataclass
class _Widget:
    id: str
    label: str
    kind: str
    options: list[str]


class AppSession:
    """One browser tab's worth of protocol. Not thread-safe: one thread per session."""

    def __init__(self, base_url: str, timeout: float = 120, cookie: str | None = None, use_cache: bool = True):
        parts = urllib.parse.urlsplit(base_url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"Adresse refusée (boucle locale seulement) : {base_url}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookie = cookie
        self.use_cache = use_cache   # send the hashes of cached messages, as the browser does
        self.ws: ClientConnection | None = None
        self._sock: _CountingSocket | None = None
        self.pages: dict[str, str] = {}          # url path ("" = default page) -> page script hash
        self.main_script_hash = ""
        self.query_string = ""
        self.page_hash = ""
        self.widgets: dict[str, _Widget] = {}     # by label
        self.widget_values: dict[str, WidgetState] = {}  # by widget id: what we send back
        self.message_cache: dict[str, bytes] = {}        # like the browser's: big elements already received
        self.session_id = ""
        self.download_buttons: list[tuple[str, str, str]] = []   # (label, deferred file id, url) of the last run
        self._request_count = 0
        self.fragments: dict[str, str] = {}   # widget label -> id of the st.fragment drawing it
        self._jar = http.cookiejar.CookieJar()
        self._opener: urllib.request.OpenerDirector | None = None
        self.cookie_header = ""

    # ------------------------------------------------------------------ connection
    def connect(self) -> None:
        """Load the page first, as a browser does (a proxy may set a sticky-session cookie), then open
        the websocket with the same cookies."""
        self._opener_with_cookies().open(self.base_url + "/", timeout=self.timeout).read()
        cookies = self.cookie or "; ".join(f"{c.name}={c.value}" for c in self._jar)
        self.cookie_header = cookies
        ws_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        parts = urllib.parse.urlsplit(self.base_url)
        self._sock = _CountingSocket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.settimeout(self.timeout)
        self._sock.connect((parts.hostname, parts.port or 80))
        # permessage-deflate offered, as every browser does; the server uses it if enabled
        self.ws = ws_connect(ws_url, sock=self._sock, subprotocols=["streamlit"], compression="deflate",
                             additional_headers={"Cookie": cookies} if cookies else None,
                             open_timeout=self.timeout, max_size=None).__enter__()   # closed by close()

    def _opener_with_cookies(self) -> urllib.request.OpenerDirector:
        """Cookies kept like a browser's; a cookie given to the constructor is sent as is instead."""
        if self._opener is None:
            if self.cookie:
                self._opener = urllib.request.build_opener()
                self._opener.addheaders = [("Cookie", self.cookie)]
            else:
                self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._jar))
        return self._opener

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            finally:
                self.ws = None

    def __enter__(self) -> "AppSession":
        self.connect()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ reruns
    def open(self, path_and_query: str) -> Rerun:
        """The first request of a tab opened on a shared link, e.g. `/exportations?territoire=dep:04`."""
        parts = urllib.parse.urlsplit(path_and_query)
        self.query_string = parts.query
        return self._rerun(page_name=parts.path.strip("/"), page_hash="")

    def switch_page(self, url_path: str) -> Rerun:
        """A click in the sidebar navigation: the page's script hash, the current widgets."""
        if url_path not in self.pages:
            raise ProtocolError(f"page inconnue du serveur : {url_path!r} (connues : {sorted(self.pages)})")
        return self._rerun(page_name="", page_hash=self.pages[url_path])

    def choose(self, label: str, option: str) -> Rerun:
        """Pick an option of a selectbox (by its label and the option's displayed text), like a user."""
        widget = self.widgets.get(label)
        if widget is None or option not in widget.options:
            raise ProtocolError(f"liste « {label} » ou option « {option} » absente")
        state = WidgetState(id=widget.id)
        state.string_value = option
        self.widget_values[widget.id] = state
        return self._rerun(page_name="", page_hash=self.page_hash)

    def download_url(self, label: str, timeout: float | None = None) -> str:
        """Click a download button: a generated file is asked for (backend operation), then its URL
        (`/media/…`) is fetched by the caller with the same cookies, as the browser does."""
        found = [b for b in self.download_buttons if b[0] == label]
        if not found:
            raise ProtocolError(f"bouton « {label} » absent de la page")
        _, file_id, url = found[0]
        if url:
            return url
        self._request_count += 1
        request_id = f"req-{self._request_count}"
        msg = BackMsg()
        msg.backend_operation_request.request_id = request_id
        msg.backend_operation_request.session_id = self.session_id
        msg.backend_operation_request.deferred_file.file_id = file_id
        self.ws.send(msg.SerializeToString())
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            data = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            if not isinstance(data, bytes):
                continue
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            if fwd.WhichOneof("type") == "backend_operation_response":
                response = fwd.backend_operation_response
                if response.request_id != request_id:
                    continue
                if response.error_msg:
                    raise ProtocolError(f"téléchargement refusé : {response.error_msg}")
                return response.deferred_file.url
        raise ProtocolError("pas de réponse à la demande de téléchargement")

    def fetch(self, url: str) -> tuple[int, bytes]:
        """GET a URL of the app (e.g. a download's `/media/…`) with the session's cookies."""
        full = url if url.startswith("http") else self.base_url + url
        try:
            with self._opener_with_cookies().open(full, timeout=self.timeout) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, b""

    def options(self, label: str) -> list[str]:
        return list(self.widgets[label].options) if label in self.widgets else []

    def slide(self, label: str, value: float) -> Rerun:
        """Move a slider; inside an st.fragment, only that fragment is rerun (as the browser asks)."""
        widget = self.widgets.get(label)
        if widget is None:
            raise ProtocolError(f"curseur « {label} » absent")
        state = WidgetState(id=widget.id)
        state.double_array_value.data.append(value)
        self.widget_values[widget.id] = state
        return self._rerun(page_name="", page_hash=self.page_hash, fragment_id=self.fragments.get(label, ""))

    def submit_form(self, fields: dict[str, str], button: str) -> Rerun:
        """Fill a form's text inputs (by label) and click its submit button, once, as the browser does."""
        missing = [label for label in (*fields, button) if label not in self.widgets]
        if missing:
            raise ProtocolError(f"champ ou bouton absent : {missing}")
        sent = []
        for label, value in fields.items():
            state = WidgetState(id=self.widgets[label].id)
            state.string_value = value
            sent.append(state)
        trigger = WidgetState(id=self.widgets[button].id)
        trigger.trigger_value = True
        sent.append(trigger)
        for state in sent:
            self.widget_values[state.id] = state
        try:
            return self._rerun(page_name="", page_hash=self.page_hash)
        finally:
            for state in sent:                   # a trigger fires once; the form clears its fields
                self.widget_values.pop(state.id, None)

    def _rerun(self, page_name: str, page_hash: str, fragment_id: str = "") -> Rerun:
        if self.ws is None:
            self.connect()
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_name = page_name
        state.page_script_hash = page_hash
        state.fragment_id = fragment_id
        state.widget_states.widgets.extend(self.widget_values.values())
        if self.use_cache:
            state.cached_message_hashes.extend(self.message_cache)
        started = time.perf_counter()
        wire_before = self._sock.received
        self.ws.send(msg.SerializeToString())
        return self._read_until_finished(started, wire_before)

    def _read_until_finished(self, started: float, wire_before: int) -> Rerun:
        result = Rerun(seconds=0.0, bytes=0, messages=0)
        deadline = time.monotonic() + self.timeout
        while True:
            if time.monotonic() > deadline:
                raise ProtocolError(f"pas de fin de script après {self.timeout:.0f} s")
            try:
                data = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                continue
            except (WebSocketException, OSError) as exc:
                raise ProtocolError(f"connexion interrompue : {exc!r}") from exc
            if not isinstance(data, bytes):
                continue
            result.uncompressed_bytes += len(data)
            result.messages += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":   # an element we already hold: the server sent only its hash
                if fwd.ref_hash not in self.message_cache:
                    raise ProtocolError("référence à un message absent du cache du client")
                fwd.ParseFromString(self.message_cache[fwd.ref_hash])
                kind = fwd.WhichOneof("type")
            elif fwd.metadata.cacheable and fwd.hash:
                self.message_cache[fwd.hash] = data
            if kind == "new_session":
                self.main_script_hash = fwd.new_session.main_script_hash
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
                self.download_buttons = []
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "page_not_found":
                result.page_not_found = True
            elif kind == "delta":
                self._read_delta(fwd.delta, result)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue   # a newer rerun of ours replaced it: keep reading
                result.status = status
                result.seconds = time.perf_counter() - started
                result.bytes = self._sock.received - wire_before
                return result

    def _read_delta(self, delta, result: Rerun) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            result.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "heading":
            result.headings.append(element.heading.body)
        elif kind == "markdown":
            result.markdown.append(element.markdown.body)
        elif kind == "download_button":
            button = element.download_button
            result.downloads.append(button.label)
            self.download_buttons.append((button.label, button.deferred_file_id, button.url))
        elif kind == "selectbox":
            box = element.selectbox
            self.widgets[box.label] = _Widget(box.id, box.label, kind, list(box.options))
        elif kind == "slider":
            self.widgets[element.slider.label] = _Widget(element.slider.id, element.slider.label, kind, [])
            if delta.fragment_id:
                self.fragments[element.slider.label] = delta.fragment_id
        elif kind in ("text_input", "button"):
            widget = getattr(element, kind)
            self.widgets[widget.label] = _Widget(widget.id, widget.label, kind, [])
        elif kind == "plotly_chart":
            result.charts.append(element.plotly_chart.spec)
        elif kind == "metric":
            result.metrics += 1
        elif kind == "alert":
            result.alerts.append(element.alert.body)
