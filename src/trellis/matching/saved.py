"""The built matching index kept on disk, so a worker that starts on unchanged data loads it in
about two seconds instead of building it again (twelve or more at 100,000 people).

One file per database and matching configuration under ``<data_dir>/matching/``: a header line
padded to 4 KiB (JSON: what the index was built from, and an HMAC-SHA256 of header and body
under the secret key) followed by the pickled index. It is used only when everything it was built from is the
same now: the matching code (a hash of ``trellis.core`` and ``trellis.matching``), Python and
numpy, the configuration (`model_version`), the day (months in role count from today), the last
marked change and the database fingerprint (row counts and last update times). Anything else
and the worker builds afresh, as without a file, and saves the new index. The file is written
under a temporary name and renamed into place, so a reader sees a whole file or none; its
signature is checked before a byte of it is unpickled, so a file someone else wrote is never
loaded."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import pickle
import platform
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from trellis import memory
from trellis.config import DEFAULT_SECRET_KEY, Settings

if TYPE_CHECKING:
    from trellis.matching.index import MatchIndex

log = logging.getLogger(__name__)
FORMAT = "trellis-match-index/1"
CHUNK = 8 << 20
KEEP_PER_DATABASE = 2  # saved configurations per database: the one in effect and the one before
STALE_SCRATCH_SECONDS = 600  # a half-written file this old belongs to no save in progress
HEADER_BYTES = 4096  # the header line, padded: written last, once the body's hash is known
_code: str | None = None


def code_digest() -> str:
    """A hash of the matching code (every ``.py`` of ``trellis.core`` and ``trellis.matching``),
    so an upgrade never unpickles an index into classes that changed shape."""
    global _code
    if _code is None:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256()
        for path in sorted([*(root / "core").glob("*.py"), *(root / "matching").glob("*.py")]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _code = digest.hexdigest()[:16]
    return _code


@dataclass(frozen=True)
class Stamp:
    """What an index was built from; a saved index is used only under an equal stamp."""

    format: str
    code: str
    python: str
    numpy: str
    scipy: str
    model_version: str
    day: str
    version: int
    fingerprint: tuple[str, ...]

    @classmethod
    def of(cls, *, model_version: str, version: int, fingerprint: tuple[Any, ...], day: date | None = None) -> Stamp:
        import scipy

        return cls(FORMAT, code_digest(), platform.python_version(), np.__version__, scipy.__version__,
                   model_version, (day or date.today()).isoformat(), int(version), tuple(str(x) for x in fingerprint))


def usable(settings: Settings) -> bool:
    """Saving and loading are on, under a key of the deployment's own (with the public default
    key anyone could sign a file)."""
    return settings.match_save_index and settings.secret_key != DEFAULT_SECRET_KEY


def file_for(settings: Settings) -> Path:
    """The file of this database and configuration (the URL is hashed: it may hold a password)."""
    from trellis.matching.index import model_version

    database = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    configuration = hashlib.sha256(model_version(settings).encode()).hexdigest()[:12]
    return Path(settings.data_dir) / "matching" / f"{database}-{configuration}.index"


def _drop_older(target: Path, keep: int) -> None:
    """Delete this database's saved indexes of other configurations beyond the ``keep`` newest
    (each is hundreds of MB at 100,000 people; HR may change the matching settings often)."""
    database = target.name.split("-", 1)[0]
    others = []
    for path in target.parent.glob(f"{database}-*.index"):
        try:
            others.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # another worker dropped it meanwhile
            continue
    for _, old in sorted((o for o in others if o[1] != target), reverse=True)[max(0, keep - 1):]:
        old.unlink(missing_ok=True)
    for scratch in target.parent.glob(".*.index.*"):  # left by a process that stopped mid-save
        try:
            if time.time() - scratch.stat().st_mtime > STALE_SCRATCH_SECONDS:
                scratch.unlink(missing_ok=True)
        except FileNotFoundError:
            continue


def _signature(settings: Settings, header: bytes, body_digest: Any) -> str:
    mac = hmac.new(settings.secret_key.encode(), header, hashlib.sha256)
    mac.update(body_digest.digest())
    return mac.hexdigest()


class _Signed:
    """The pickler's output: written through and hashed as it goes. Being Python code, each write
    lets the worker's other threads run, so saving in the background does not stall requests."""

    def __init__(self, out: Any) -> None:
        self.out, self.digest = out, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return int(self.out.write(data))


def save(index: MatchIndex, *, settings: Settings, stamp: Stamp) -> Path:
    """Write ``index`` for the next worker (streamed: no second copy in memory); returns the file."""
    target = file_for(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w+b") as out:
            out.write(b" " * (HEADER_BYTES - 1) + b"\n")
            body = _Signed(out)
            pickle.dump(index, body, protocol=5)
            if index.version != stamp.version:  # changes were applied to it while it was written
                raise ValueError(f"the index moved from change {stamp.version} to {index.version} while saved")
            header = json.dumps(asdict(stamp), sort_keys=True).encode()
            line = json.dumps({"stamp": asdict(stamp), "signature": _signature(settings, header, body.digest)},
                              sort_keys=True).encode()
            if len(line) >= HEADER_BYTES:
                raise ValueError(f"the header of a saved matching index is {len(line)} bytes, over {HEADER_BYTES}")
            out.seek(0)
            out.write(line.ljust(HEADER_BYTES - 1) + b"\n")
        os.replace(scratch, target)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    _drop_older(target, KEEP_PER_DATABASE)
    return target


def save_in_background(index: MatchIndex, *, settings: Settings, stamp: Stamp) -> threading.Thread:
    """`save` in a daemon thread (a few seconds at 100,000 people); a failure is logged only."""

    def run() -> None:
        try:
            path = save(index, settings=settings, stamp=stamp)
            log.info("matching index saved for the next worker: %s (%.0f MB)", path, path.stat().st_size / 1e6)
        except Exception:
            log.exception("saving the matching index failed (workers build it on start instead)")
        finally:
            memory.give_back_free_memory()  # the pickler's table of every object it wrote (~2 million)

    thread = threading.Thread(target=run, name="save-matching-index", daemon=True)
    thread.start()
    return thread


def load(*, settings: Settings, stamp: Stamp) -> MatchIndex | None:
    """The saved index if it was built from exactly ``stamp`` and carries our signature, else None
    (why is logged)."""
    path = file_for(settings)
    try:
        with path.open("rb") as source:
            head = json.loads(source.read(HEADER_BYTES))
            saved = head.get("stamp", {})
            if saved.get("fingerprint") is not None:
                saved["fingerprint"] = tuple(saved["fingerprint"])
            if saved != asdict(stamp):
                changed = sorted(k for k in asdict(stamp) if saved.get(k) != asdict(stamp)[k])
                log.info("saved matching index not used: %s changed since it was built", ", ".join(changed))
                return None
            digest, buffer = hashlib.sha256(), bytearray(CHUNK)
            view = memoryview(buffer)
            while size := source.readinto(buffer):
                digest.update(view[:size])
            header = json.dumps(saved, sort_keys=True).encode()
            if not hmac.compare_digest(_signature(settings, header, digest), str(head.get("signature", ""))):
                log.warning("saved matching index %s not used: its signature does not match this secret key", path)
                return None
            source.seek(HEADER_BYTES)
            index: MatchIndex = pickle.load(source)
    except FileNotFoundError:
        return None
    except Exception as err:  # a damaged or foreign file, or one a library upgrade cannot read: build instead
        log.warning("saved matching index %s not used: %s: %s", path, type(err).__name__, err)
        return None
    if index.version != stamp.version:
        log.warning("saved matching index %s not used: its contents do not match its stamp", path)
        return None
    return index
