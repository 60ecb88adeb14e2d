"""Captures: the recorded-HTTP format of CAPTURES.md (JSON Lines, optionally gzipped).

Owns URL normalisation, reading a capture directory into a lookup (last line for a URL
wins), and writing exchanges with credentials stripped. Bodies read from captures are held
to the same size limits as a live fetch (`crawler/bodies.py`) as each line is read, so a
huge card in a capture costs what it would cost live, not its full size.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import gzip
import heapq
import json
import os
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.bodies import body_limit

KEPT_HEADERS = frozenset({"content-type", "etag", "last-modified", "location", "link", "retry-after", "x-repo-commit"})
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "set-cookie"})
CREDENTIAL_QUERY_KEYS = frozenset({"token", "access_token", "api_key", "apikey", "key", "client_secret"})
DEFAULT_PORTS = {"http": 80, "https": 443}
CAPTURE_SUFFIXES = (".jsonl", ".jsonl.gz")


class CaptureFormatError(ValueError):
    """A capture line that is not a valid exchange; names the file and line."""


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange as the crawler sees it: the canonical URL and the raw body."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fetched_at: str | None = None
    # Size of a captured body that was over its endpoint's limit (0: within it). A text
    # body is then cut to the limit; a JSON body is dropped, as a live fetch refuses it.
    oversize: int = 0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def normalise_url(url: str) -> str:
    """The matching key of CAPTURES.md: scheme/host lower-cased, default port dropped,
    query sorted by name then value (repeated keys kept), nothing else touched."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)), safe=":/")
    return urlunsplit((scheme, host, parts.path, query, ""))


def strip_credentials(url: str) -> str:
    """Drop tokens carried in a URL's query or userinfo."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in pairs if k.lower() not in CREDENTIAL_QUERY_KEYS]
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe=":/"), parts.fragment))


def exchange_to_record(exchange: Exchange) -> dict[str, Any]:
    """The capture line for an exchange: JSON bodies as `json`, text as `body`, else base64."""
    headers = {
        name: value
        for name, value in exchange.headers.items()
        if name in KEPT_HEADERS or name.startswith("x-ratelimit-")
    }
    record: dict[str, Any] = {"url": strip_credentials(exchange.url), "status": exchange.status, "headers": headers}
    record.update(_body_fields(exchange.body, exchange.content_type))
    if exchange.fetched_at:
        record["fetched_at"] = exchange.fetched_at
    return record


def _body_fields(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}
    if "json" in content_type:
        try:
            return {"json": json.loads(text)}
        except ValueError:
            pass
    return {"body": text}


def record_to_exchange(record: dict[str, Any], where: str) -> Exchange:
    """Parse one capture line; `where` (file:line) goes into the error."""
    if not isinstance(record, dict) or not isinstance(record.get("url"), str):
        raise CaptureFormatError(f"{where}: capture line has no 'url'")
    status = record.get("status")
    if not isinstance(status, int):
        raise CaptureFormatError(f"{where}: capture line for {record['url']} has no integer 'status'")
    headers = {str(k).lower(): str(v) for k, v in (record.get("headers") or {}).items()}
    if "json" in record:
        headers.setdefault("content-type", "application/json")
    try:
        body, oversize = _limited_body(record, body_limit(record["url"]))
    except binascii.Error as error:
        raise CaptureFormatError(f"{where}: 'body_base64' of {record['url']} is not base64 ({error})") from None
    return Exchange(record["url"], status, headers, body, record.get("fetched_at"), oversize)


def _limited_body(record: dict[str, Any], limit: tuple[int, bool]) -> tuple[bytes, int]:
    """The record's body within the endpoint's limit, and its full size when over it.
    Text is cut before it is encoded, so a 20 MB card is never copied whole."""
    size, cut_to_limit = limit
    if "json" in record:
        body = json.dumps(record["json"], ensure_ascii=False).encode("utf-8")
    elif "body" in record:
        text = str(record["body"])
        # A character is at most 4 bytes: this many characters always covers the limit.
        body = text[: size + 1].encode("utf-8") if cut_to_limit else text.encode("utf-8")
        if len(body) > size:
            return body[:size], len(text.encode("utf-8"))
    elif "body_base64" in record:
        body = base64.b64decode(str(record["body_base64"]))
    else:
        body = b""
    if len(body) <= size:
        return body, 0
    return (body[:size] if cut_to_limit else b""), len(body)


def capture_files(directory: Path) -> list[Path]:
    """Every capture file below a directory, in a stable order."""
    return sorted(p for p in directory.rglob("*") if p.name.endswith(CAPTURE_SUFFIXES) and p.is_file())


def _open_text(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


# What reading a broken file raises: not gzip (BadGzipFile is an OSError), cut short,
# corrupt inside, or not UTF-8.
_UNREADABLE = (OSError, EOFError, zlib.error, UnicodeDecodeError)


def iter_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Stream (file:line, record) pairs from one capture file. A file that cannot be read
    to its end (not gzip, truncated, not UTF-8) is a CaptureFormatError naming the file
    and the line where reading stopped."""
    number = 0
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    yield where, json.loads(line)
                except ValueError as error:
                    raise CaptureFormatError(f"{where}: not valid JSON ({error})") from error
    except _UNREADABLE as error:
        raise CaptureFormatError(f"{path}:{number + 1}: cannot be read ({_unreadable(path, error)})") from error


def _unreadable(path: Path, error: BaseException) -> str:
    if isinstance(error, gzip.BadGzipFile):
        return "not a gzip file"
    if isinstance(error, EOFError):
        return "the gzip stream is truncated"
    if isinstance(error, zlib.error):
        return "the gzip stream is corrupt"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(error, "strerror", None) or type(error).__name__


@dataclass(frozen=True, slots=True)
class _OnDisk:
    """Where a captured exchange's line is: read again when asked for, never held."""

    path: Path
    offset: int
    line: int


class CaptureStore:
    """Captured exchanges keyed by normalised URL; the last line for a URL wins.

    Plain JSON Lines files are indexed, not held: the store keeps each URL's file offset
    and reads the line again when asked for it, so a run over 100,000 models' captures
    does not hold their bodies. Gzipped files (no cheap seeking) and exchanges given
    directly are held in memory."""

    def __init__(self, exchanges: dict[str, Exchange] | None = None) -> None:
        self._by_url: dict[str, Exchange | _OnDisk] = dict(exchanges or {})
        self._handles: dict[Path, IO[bytes]] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path) -> CaptureStore:
        """Read a capture directory (recursively) or a single capture file. A path that
        holds no capture file at all is an error, never an empty store: replaying nothing
        would grade every project from nothing."""
        if path.is_file() and not path.name.endswith(CAPTURE_SUFFIXES):
            raise CaptureFormatError(f"{path}: not a capture file (*.jsonl or *.jsonl.gz)")
        files = [path] if path.is_file() else capture_files(path)
        if not files:
            raise CaptureFormatError(f"{path}: no capture files (*.jsonl or *.jsonl.gz) in this directory")
        store = cls()
        for file in files:
            if file.name.endswith(".gz"):
                for where, record in iter_records(file):
                    exchange = record_to_exchange(record, where)
                    store._by_url[normalise_url(exchange.url)] = exchange
            else:
                for number, offset, exchange in _indexed(file):
                    store._by_url[normalise_url(exchange.url)] = _OnDisk(file, offset, number)
        return store

    def get(self, url: str) -> Exchange | None:
        entry = self._by_url.get(normalise_url(url))
        return self._read(entry) if isinstance(entry, _OnDisk) else entry

    def _read(self, entry: _OnDisk) -> Exchange:
        with self._lock:
            handle = self._handles.get(entry.path)
            if handle is None:
                handle = self._handles[entry.path] = entry.path.open("rb")
            handle.seek(entry.offset)
            line = handle.readline()
        return record_to_exchange(json.loads(line), f"{entry.path}:{entry.line}")

    def nearest(self, url: str, count: int = 3) -> list[str]:
        """Captured URLs that look most like `url`, to explain a replay miss."""
        key = normalise_url(url)
        # Pre-select by shared prefix so a miss costs a cheap scan, not a fuzzy match
        # against every captured URL.
        candidates = heapq.nlargest(25, self._by_url, key=lambda u: len(os.path.commonprefix([u, key])))
        return difflib.get_close_matches(key, candidates, n=count, cutoff=0.6)

    def exchanges(self) -> Iterator[Exchange]:
        for entry in list(self._by_url.values()):
            yield self._read(entry) if isinstance(entry, _OnDisk) else entry

    def __len__(self) -> int:
        return len(self._by_url)


def _indexed(path: Path) -> Iterator[tuple[int, int, Exchange]]:
    """(line number, byte offset, exchange) of each line of a plain capture file, checked
    as it is indexed so that a bad line is reported at load time, as before."""
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(raw)
            except ValueError as error:
                raise CaptureFormatError(f"{where}: not valid JSON ({error})") from error
            yield number, start, record_to_exchange(record, where)


class CaptureWriter:
    """Appends exchanges to one plain JSON Lines file, thread-safely, flushing each line
    so a crash loses at most the exchange being written (a gzip stream cut short by a
    crash would not be readable to the end). `write` returns the line's offset, from
    which `read` gives the exchange back: a run need not hold what it recorded."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._handle: IO[bytes] = path.open("ab")
        self._offset = self._handle.tell()
        self._reader: IO[bytes] | None = None

    def write(self, exchange: Exchange) -> int:
        line = json.dumps(exchange_to_record(exchange), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        with self._lock:
            offset = self._offset
            self._handle.write(line)
            self._handle.flush()
            self._offset += len(line)
        return offset

    def read(self, offset: int) -> Exchange:
        """The exchange written at `offset`, as a replay of this file would give it."""
        with self._lock:
            if self._reader is None:
                self._reader = self.path.open("rb")
            self._reader.seek(offset)
            line = self._reader.readline()
        return record_to_exchange(json.loads(line), f"{self.path}@{offset}")

    def close(self) -> None:
        with self._lock:
            self._handle.close()
            if self._reader is not None:
                self._reader.close()


def new_capture_path(snapshots: Path) -> Path:
    """A capture file of its own for this run, even when two runs start in one second."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = snapshots.resolve() / f"{stamp}.jsonl"
    suffix = 1
    while path.exists():
        suffix += 1
        path = snapshots.resolve() / f"{stamp}-{suffix}.jsonl"
    return path
