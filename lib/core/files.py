"""Files written whole or not at all (the one atomic-write helper of the project), and text encodings."""
from __future__ import annotations

import codecs
import os
import uuid
from dataclasses import dataclass
from pathlib import Path


def decode_text(data: bytes) -> str:
    """Text of an uploaded CSV in the encoding `detect_encoding` finds (UTF-8, Windows-1252, UTF-16…)."""
    encoding = detect_encoding(data)
    return data[encoding.bom:].decode(encoding.codec, errors="replace")


_DECODE_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class Encoding:
    codec: str          # what Python and pandas call it
    bom: int            # bytes of byte-order mark to skip
    label: str          # what the French messages call it


_BOMS = ((b"\xff\xfe\x00\x00", Encoding("utf-32-le", 4, "UTF-32 (petit-boutiste, avec BOM)")),
         (b"\x00\x00\xfe\xff", Encoding("utf-32-be", 4, "UTF-32 (gros-boutiste, avec BOM)")),
         (b"\xff\xfe", Encoding("utf-16-le", 2, "UTF-16 (petit-boutiste, avec BOM)")),
         (b"\xfe\xff", Encoding("utf-16-be", 2, "UTF-16 (gros-boutiste, avec BOM)")),
         (b"\xef\xbb\xbf", Encoding("utf-8", 3, "UTF-8 avec BOM")))
UTF8 = Encoding("utf-8", 0, "UTF-8")
CP1252 = Encoding("cp1252", 0, "Windows-1252")


def detect_encoding(data: bytes, *, sample: bool = False) -> Encoding:
    """The text encoding of a CSV: a byte-order mark, else UTF-16 recognised by its zero bytes, else
    UTF-8 if every byte sequence is valid, else Windows-1252 (Excel's « CSV » on Windows).
    UTF-8 validity is checked chunk by chunk: no copy of the file is decoded whole. `sample`: only the
    first bytes are given (a character cut at their end is not an error)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:4096]
    if len(head) >= 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return Encoding("utf-16-le", 0, "UTF-16 (petit-boutiste, sans BOM)")
        if even > len(head) // 4 and odd == 0:
            return Encoding("utf-16-be", 0, "UTF-16 (gros-boutiste, sans BOM)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _DECODE_CHUNK):
            decoder.decode(data[start:start + _DECODE_CHUNK],
                           final=not sample and start + _DECODE_CHUNK >= len(data))
    except UnicodeDecodeError:
        return CP1252
    return UTF8


def sniff_separator(header: str, candidates: tuple[str, ...] = (";", ",", "\t")) -> str:
    """The candidate found most often in a CSV's header line (the first one on a tie)."""
    return max(candidates, key=header.count)


def fsync_file(path: Path) -> None:
    """Flush a written file to the disk (it survives a power cut once renamed)."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make the renames in a folder durable; not every platform lets a directory be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_durably(path: Path, text: str) -> None:
    """Write a small text file and flush it to the disk before returning."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


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


def file_sha256(path: Path) -> str:
    """SHA-256 of a file read in 1 MiB chunks (manifests, versions and uploads name files by it)."""
    import hashlib
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
