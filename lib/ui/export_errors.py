"""A generated download that fails says why, in French, next to its button.

Streamlit 1.67 runs the callable of `st.download_button(data=callable)` on click and, when it raises,
answers the browser with the English "Failed to generate file for download". The button shows that
text for a few seconds. Here the answer carries the French message of our own errors (a PNG render
that overran its time, Chromium missing…) and a French sentence for anything else.
"""
from __future__ import annotations

import asyncio
import logging

from streamlit.runtime import backend_operation_handler as handlers

from lib.core.errors import DataFileError
from lib.outputs.png_export import PngExportUnavailable
from lib.ui import download_turns

GENERIC_MESSAGE = "Le fichier n'a pas pu être préparé : réessayez dans un instant."
_log = logging.getLogger(__name__)
_installed = {"done": False}


def french_message(exc: BaseException) -> str:
    """The first French message of ours in the exception's chain, else the generic one."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (PngExportUnavailable, DataFileError)):
            return str(exc)
        exc = exc.__cause__ or exc.__context__
    return GENERIC_MESSAGE


def install() -> None:
    """Idempotent: the deferred-download handler of this process answers in French."""
    if _installed["done"]:
        return

    async def handle(self, request, session_id):
        try:
            async with download_turns.session_turn(session_id):      # one at a time per session, fair renders
                url = await asyncio.to_thread(self._get_media_file_mgr().execute_deferred,
                                              request.deferred_file.file_id)
        except Exception as exc:
            _log.warning("téléchargement non produit : %s", exc)
            return handlers.BackendOperationResponse(request_id=request.request_id, error_msg=french_message(exc))
        return handlers.BackendOperationResponse(request_id=request.request_id,
                                                 deferred_file=handlers.DeferredFileResponsePayload(url=url))

    handlers.DeferredFileHandler.handle = handle
    _installed["done"] = True
