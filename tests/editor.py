"""yaml-language-server driven as VS Code's YAML extension drives it: a minimal LSP client.

The server comes from tools/editor (the project's package.json, installed with `npm ci` by
tools/editor/install); `server()` is None, with the reason, where node or npm is missing.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / "tools" / "editor"
SERVER = TOOLS / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


def install() -> str | None:
    """Install the pinned yaml-language-server (once). None when it is there; the reason to
    skip when node or npm is missing; an AssertionError when npm is there but failed."""
    if SERVER.exists():
        return None
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm is not installed: the editor test needs yaml-language-server from npm"
    done = subprocess.run(["bash", str(TOOLS / "install")], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0 and SERVER.exists(), \
        f"npm could not install yaml-language-server:\n{done.stdout}{done.stderr}"
    return None


class LanguageServer:
    """One yaml-language-server process over stdio, for one workspace folder."""

    def __init__(self, root: Path, schemas: dict[str, Any]) -> None:
        self.root = root
        self.settings = {"yaml": {"validate": True, "hover": True, "completion": True,
                                  "schemas": schemas, "schemaStore": {"enable": False},
                                  "format": {"enable": False}, "yamlVersion": "1.2"}}
        self.process = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        cwd=root)
        self.next_id = 0
        self.version = 0
        self.buffer = b""
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                    "workspaceFolders": [{"uri": root.as_uri(), "name": "repo"}],
                                    "locale": "zh-cn",
                                    "capabilities": {"workspace": {"configuration": True},
                                                     "textDocument": {"hover": {"contentFormat": ["plaintext"]}}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except (OSError, TimeoutError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=10)

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(deadline)
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")

    def receive(self, deadline: float) -> dict[str, Any]:
        """The next message; the server's own requests are answered on the way."""
        assert self.process.stdout is not None
        while True:
            header, _, rest = self.buffer.partition(b"\r\n\r\n")
            if _:
                length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    message: dict[str, Any] = json.loads(rest[:length])
                    self.handle(message)
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("yaml-language-server did not answer in time")
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise TimeoutError("yaml-language-server exited")
                self.buffer += chunk

    def handle(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        elif method == "workspace/configuration" and "id" in message:
            items = message["params"]["items"]
            self.send({"id": message["id"], "result": [self.section(i.get("section")) for i in items]})
        elif "id" in message and method is not None:
            self.send({"id": message["id"], "result": None})

    def section(self, name: str | None) -> Any:
        found: Any = self.settings
        for part in (name or "").split(".") if name else []:
            found = found.get(part, {}) if isinstance(found, dict) else {}
        return found

    def opened(self, path: Path, text: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Open `text` as `path`; the diagnostics the editor shows for it."""
        uri = path.as_uri()
        self.diagnostics.pop(uri, None)
        self.version += 1             # the server caches a document by uri and version
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml",
                                                              "version": self.version, "text": text}})
        deadline = time.monotonic() + timeout
        while uri not in self.diagnostics:
            self.receive(deadline)
        return self.diagnostics.pop(uri)

    def closed(self, path: Path) -> None:
        """Close a document and wait for the server to clear its diagnostics (else the clearing
        could be taken for the answer about the next document opened at this path)."""
        uri = path.as_uri()
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        deadline = time.monotonic() + 10
        while uri not in self.diagnostics and time.monotonic() < deadline:
            try:
                self.receive(deadline)
            except TimeoutError:
                break
        self.diagnostics.pop(uri, None)

    def check(self, path: Path, text: str) -> list[dict[str, Any]]:
        found = self.opened(path, text)
        self.closed(path)
        return found

    def at(self, method: str, path: Path, text: str, line: int, character: int) -> Any:
        self.opened(path, text)
        result = self.request(method, {"textDocument": {"uri": path.as_uri()},
                                       "position": {"line": line, "character": character}})
        self.closed(path)
        return result

    def hover(self, path: Path, text: str, line: int, character: int) -> str:
        result = self.at("textDocument/hover", path, text, line, character)
        contents = (result or {}).get("contents", "")
        return contents.get("value", "") if isinstance(contents, dict) else str(contents)

    def complete(self, path: Path, text: str, line: int, character: int) -> list[str]:
        result = self.at("textDocument/completion", path, text, line, character)
        items = result.get("items", []) if isinstance(result, dict) else (result or [])
        return [item["label"] for item in items]
