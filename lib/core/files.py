"""Files written whole or not at all: the one atomic-write helper of the project."""
from __future__ import annotations

import os
import uuid
from pathlib import Path


def write_atomic(path: Path, content: bytes | str) -> None:
    """Write beside ``path`` under a hidden temporary name, then rename over it: a reader (another session, another
    process) sees the old file or the new one, never half of one. Creates the parent folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if isinstance(content, str):
            tmp.write_text(content, encoding="utf-8")
        else:
            tmp.write_bytes(content)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
