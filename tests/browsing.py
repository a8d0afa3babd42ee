"""What the browser tests share: the app served on 127.0.0.1, moving focus with Tab, and the
accessibility scan."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import uvicorn
from axe_playwright_python.sync_playwright import Axe

from prodops.shells.web import Settings, create_app
from tests.pgserver import free_port


class Server:
    """The app served by uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, db: str, **settings):
        """`settings`: the app's (Settings); with `smtp` or `sso`, its public address is its own (reset
        links, the redirect URI)."""
        self.port = free_port()
        if settings.get("smtp") or settings.get("sso"):
            settings.setdefault("base_url", f"http://127.0.0.1:{self.port}")
        self.app = create_app(Settings(db=db, **settings))
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)
        self.app.state.ws.close()


def tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `predicate` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def shoot(page, name: str, full_page: bool = True) -> None:
    """A screenshot to look at, in the folder $PRODOPS_SHOTS names (none without it)."""
    folder = os.environ.get("PRODOPS_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)
