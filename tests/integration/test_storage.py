"""Storage: WAL, migrations, node key file, and no personal data in plaintext on disk."""
from __future__ import annotations

import stat

from tests.conftest import csrf_token, make_app
from webapp.db import connect
from webapp.demo import seed_family, seed_hub


def _disk_bytes(config) -> bytes:
    data = b""
    for path in config.data_dir.rglob("*.sqlite3*"):
        data += path.read_bytes()
    return data


def test_names_written_through_the_app_are_not_in_the_database_file(family_app, parent):
    page = parent.get("/gezin").get_data(as_text=True)
    parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Zoë-Marijke",
                                     "child-birth_date": "2016-02-29", "child-school_stage": "po"})
    assert "Zoë-Marijke" in parent.get("/gezin").get_data(as_text=True)
    disk = _disk_bytes(family_app.config["ONSPLAN"])
    for plaintext in ("Zoë-Marijke", "Fatima de Vries", "Daan de Vries", "2016-02-29", "fatima", "Wijkteam Oost"):
        assert plaintext.encode() not in disk, plaintext


def test_professional_names_and_second_factor_secrets_are_not_in_the_hub_file(hub_app):
    disk = _disk_bytes(hub_app.config["ONSPLAN"])
    secret = hub_app.demo_logins.hub[0][3]
    for plaintext in ("Karin Bos", "karin", secret):
        assert plaintext.encode() not in disk, plaintext


def test_database_uses_wal_and_records_its_migrations(family_app):
    db = connect(family_app.config["ONSPLAN"].database_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in db.execute("SELECT name FROM _migrations")] == ["0001_core", "0002_previous_visit", "0003_record_store", "0004_sign_in_delays", "0005_sync", "0006_safety", "0007_wrap_bases", "0008_objections"]


def test_node_key_file_is_readable_by_its_owner_only(family_app):
    mode = stat.S_IMODE(family_app.config["ONSPLAN"].node_key_path.stat().st_mode)
    assert mode == 0o600


def test_a_world_readable_node_key_stops_the_start(tmp_path):
    import pytest
    from webapp.crypto import CryptoError

    make_app("family", tmp_path)
    (tmp_path / "keys" / "family-node.key").chmod(0o644)
    with pytest.raises(CryptoError, match="chmod 600"):
        make_app("family", tmp_path)


def test_seeding_the_demo_again_adds_nothing(tmp_path):
    app = make_app("family", tmp_path / "f")
    hub = make_app("hub", tmp_path / "h")
    first = seed_family(app, hub)
    db = connect(app.config["ONSPLAN"].database_path)
    counts = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("families", "records", "accounts")]
    second = seed_family(make_app("family", tmp_path / "f"), make_app("hub", tmp_path / "h"))
    again = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("families", "records", "accounts")]
    assert counts == again
    assert first.invitations[0][1] != second.invitations[0][1]  # a fresh code; the old one stopped working
    open_codes = db.execute("SELECT COUNT(*) FROM invitations WHERE used_at IS NULL").fetchone()[0]
    assert open_codes == 2
    assert seed_hub(hub).hub == seed_hub(make_app("hub", tmp_path / "h")).hub


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_files_are_private_to_the_owner_whatever_the_umask(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        app = make_app("family", tmp_path / "data")
        seed_family(app, make_app("hub", tmp_path / "hub"))  # writes, so the -wal and -shm files exist
        config = app.config["ONSPLAN"]
        db = connect(config.database_path)
        files = [config.database_path, *(config.database_path.with_name(config.database_path.name + s)
                                         for s in ("-wal", "-shm"))]
        assert all(f.exists() for f in files)
        assert {str(f.name): _mode(f) for f in files} == {str(f.name): 0o600 for f in files}
        assert _mode(config.data_dir) == 0o700
        assert _mode(config.node_key_path.parent) == 0o700 and _mode(config.node_key_path) == 0o600
        db.conn.close()
        # Files made loose by someone else are tightened at the next start.
        os.chmod(config.database_path, 0o644)
        os.chmod(config.data_dir, 0o755)
        make_app("family", tmp_path / "data")
        assert _mode(config.database_path) == 0o600 and _mode(config.data_dir) == 0o700
    finally:
        os.umask(old)
