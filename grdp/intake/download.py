"""Download an official file (``--url``) to a local file that a reader then reads offline.

The download is bounded: at most :data:`MAX_BYTES` bytes (the ``Content-Length`` a server announces is checked
first, then the bytes as they arrive), at most :data:`READ_TIMEOUT_SECONDS` without a byte, and at most
:data:`DEADLINE_SECONDS` in all, however slowly the server trickles. A refused or failed download leaves no
file behind.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from grdp.intake.release import IntakeError
from grdp.intake.statistics_office import MAX_FILE_BYTES
from grdp.sources import Problem

READ_TIMEOUT_SECONDS = 60
"""Longest wait for the next bytes (or the connection)."""
DEADLINE_SECONDS = 300
"""Longest a whole download may take."""
MAX_BYTES = MAX_FILE_BYTES
"""Largest file downloaded (the largest an intake reads)."""
CHUNK = 1 << 16
USER_AGENT = "grdp-intake"


def _refused(url: str, name: str, why: str) -> IntakeError:
    return IntakeError([Problem(Path(name), f"download of {url} refused: {why}")])


def fetch(url: str, folder: str | Path) -> Path:
    """Download ``url`` into ``folder`` (the last part of the URL's path is the file name) and return the file.

    Raises
    ------
    IntakeError
        If the URL is not a well-formed http(s) URL, the server answers with an error, the connection fails
        or is idle for :data:`READ_TIMEOUT_SECONDS`, the file is larger than :data:`MAX_BYTES` or the download
        takes longer than :data:`DEADLINE_SECONDS` (nothing is left behind).
    """
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # a port that is not a number raises ValueError
        well_formed = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        well_formed = False
    if not well_formed or any(c.isspace() for c in url):
        raise IntakeError([Problem(Path("--url"), f"'{url[:200]}' is not a well-formed http(s) URL "
                                                  "(https://host/path)")])
    name = parts.path.rstrip("/").rsplit("/", 1)[-1] or "download"
    target = Path(folder) / name
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=READ_TIMEOUT_SECONDS) as response, target.open("wb") as out:
            announced = response.headers.get("Content-Length")
            if announced and announced.isdigit() and int(announced) > MAX_BYTES:
                raise _refused(url, name, f"the server announces {int(announced):,} bytes, more than the "
                                          f"{MAX_BYTES:,} an intake reads")
            received = 0
            while chunk := response.read1(CHUNK):
                received += len(chunk)
                if received > MAX_BYTES:
                    raise _refused(url, name, f"more than {MAX_BYTES:,} bytes, the most an intake reads")
                if time.monotonic() - started > DEADLINE_SECONDS:
                    raise _refused(url, name, f"not finished after {DEADLINE_SECONDS} s ({received:,} bytes "
                                              "received); try again later or download it by hand")
                out.write(chunk)
    except IntakeError:
        target.unlink(missing_ok=True)
        raise
    except urllib.error.HTTPError as exc:
        target.unlink(missing_ok=True)
        raise IntakeError([Problem(Path(name), f"download of {url} failed: HTTP {exc.code} {exc.reason}")]) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        target.unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or exc
        raise IntakeError([Problem(Path(name), f"download of {url} failed: {reason}")]) from None
    return target
