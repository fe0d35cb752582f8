"""Serve the built site on 127.0.0.1 the way GitHub Pages does: gzip for text, 404.html for misses.

Used by the browser tests and by `make bench` (Lighthouse, page weight).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

COMPRESSIBLE = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".map", ".md", ".ipynb"}


@functools.lru_cache(maxsize=1024)
def _gzipped(body: bytes) -> bytes:
    """``body`` gzip-compressed, once per content: the browser tests load the same pages,
    scripts and figures hundreds of times, each time in a fresh browser context."""
    return gzip.compress(body, compresslevel=6, mtime=0)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            missing = Path(self.directory) / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"not found"
            return self._send(404, body, ".html")
        return self._send(200, path.read_bytes(), path.suffix)

    def _send(self, status, body, suffix):
        ctype = self.guess_type("x" + suffix)
        gzipped = suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            body = _gzipped(body)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        import io

        return io.BytesIO(body)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port; yields the base URL (ending in /)."""
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def published_path(site: Path) -> str:
    """The path the site is published under ("/bendlines/" on GitHub Pages), from its
    canonical address."""
    index = (site / "index.html").read_text(encoding="utf-8")
    return urlsplit(re.search(r'<link rel="canonical" href="([^"]*/)index\.html"', index)[1]).path


@contextmanager
def serve_published(site: Path) -> Iterator[str]:
    """Serve ``site`` as GitHub Pages serves a project site: under its published path, with
    the site's 404.html for a miss anywhere on the host. Yields the site's base URL."""
    prefix = published_path(site).strip("/")
    if not prefix:
        with serve(site) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as host:
        (Path(host) / prefix).parent.mkdir(parents=True, exist_ok=True)
        (Path(host) / prefix).symlink_to(site.resolve(), target_is_directory=True)
        (Path(host) / "404.html").symlink_to((site / "404.html").resolve())
        with serve(Path(host)) as url:
            yield f"{url}{prefix}/"
