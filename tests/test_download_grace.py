"""A generated download survives the orphan sweeps of other sessions' runs (the 404s of `make load`)."""
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from lib.ui import download_grace


def _generated_file(manager: MediaFileManager) -> str:
    placeholder = manager.add_deferred(lambda: b"\x89PNG fake", "image/png", "coords", file_name="x.png")
    url = manager.execute_deferred(placeholder)
    return url.rsplit("/", 1)[-1].split(".")[0]


def test_grace_keeps_it_then_lets_it_go(monkeypatch):
    monkeypatch.setattr(MediaFileManager, "execute_deferred", MediaFileManager.execute_deferred)
    monkeypatch.setattr(MediaFileManager, "_get_inactive_file_ids", MediaFileManager._get_inactive_file_ids)
    monkeypatch.setattr(download_grace, "_installed", False)
    download_grace.install()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    file_id = _generated_file(manager)
    for _ in range(3):
        manager.remove_orphaned_files()
    assert manager.read_file(file_id) is not None
    monkeypatch.setattr(download_grace, "GRACE_SECONDS", -1.0)
    manager.remove_orphaned_files()
    manager.remove_orphaned_files()
    assert manager.read_file(file_id) is None
