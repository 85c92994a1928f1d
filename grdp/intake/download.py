"""Download an official file (``--url``) to a local file that a reader then reads offline."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path

from grdp.intake.release import IntakeError
from grdp.sources import Problem

TIMEOUT_SECONDS = 120
USER_AGENT = "grdp-intake"


def fetch(url: str, folder: str | Path) -> Path:
    """Download ``url`` into ``folder`` (the last part of the URL's path is the file name) and return the file.

    Raises
    ------
    IntakeError
        If the URL is not http(s), the server answers with an error, or the connection fails or times out.
    """
    if not url.startswith(("https://", "http://")):
        raise IntakeError([Problem(Path(url), "not an http(s) URL")])
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "download"
    target = Path(folder) / name
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        raise IntakeError([Problem(Path(name), f"download of {url} failed: HTTP {exc.code} {exc.reason}")]) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise IntakeError([Problem(Path(name), f"download of {url} failed: {reason}")]) from None
    return target
