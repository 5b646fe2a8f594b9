# Loaded by the test homeserver's Python at start (start.sh puts this folder's copy on
# PYTHONPATH). The test database is disposable, so its commits need not wait for the disk:
# with SQLite's default synchronous=FULL every Synapse transaction fsyncs its WAL, about 16
# per join, which made the seed's thousands of joins wait on the disk far more than on Synapse.
# NORMAL, SQLite's advice for WAL, fsyncs only at checkpoints and still survives a crash of
# Synapse itself (not of the machine).
import sqlite3

_connect = sqlite3.connect


def _connect_without_fsync_per_commit(*args, **kwargs):
    conn = _connect(*args, **kwargs)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


sqlite3.connect = _connect_without_fsync_per_commit
