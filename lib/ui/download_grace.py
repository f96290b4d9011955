"""Keep a generated download alive long enough for the browser to fetch it.

Streamlit 1.67 stores the bytes of a deferred download (`st.download_button(data=callable)`) without
tying them to any session, so the orphan sweep that follows *any* session's script run marks them,
and the next sweep deletes them. With twenty users at once, two sweeps can pass between the render
of a PNG and the browser's GET: the download fails with HTTP 404 (seen in `make load`). We exempt
freshly generated files from the sweep for a grace period.
"""
from __future__ import annotations

import threading
import time

from streamlit.runtime.media_file_manager import MediaFileManager

GRACE_SECONDS = 120.0
_born: dict[str, float] = {}
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Idempotent: patch the media file manager of this process."""
    global _installed
    if _installed:
        return
    original_execute = MediaFileManager.execute_deferred
    original_inactive = MediaFileManager._get_inactive_file_ids

    def execute_deferred(self, file_id: str) -> str:
        before = set(self._file_metadata)
        url = original_execute(self, file_id)
        now = time.monotonic()
        with _lock:
            for new_id in set(self._file_metadata) - before:
                _born[new_id] = now
        return url

    def get_inactive_file_ids(self) -> set[str]:
        inactive = original_inactive(self)
        now = time.monotonic()
        with _lock:
            for file_id, born in list(_born.items()):
                if now - born > GRACE_SECONDS:
                    del _born[file_id]
            return inactive - set(_born)

    MediaFileManager.execute_deferred = execute_deferred
    MediaFileManager._get_inactive_file_ids = get_inactive_file_ids
    _installed = True
