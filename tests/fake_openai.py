"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 — the one fake the tests allow.

It stands at the LLM network edge only: the real ``openai`` client talks HTTP to it, and
everything behind the client (prompts, verification, citations, fallback) is real.
``FakeOpenAI.script(*replies)`` queues what the next requests get: a text (or a function
of the request, so a reply can cite the sources the prompt actually listed), an HTTP
error status, a delay (for timeouts), and, for ``stream=True`` requests, the pieces the
text is cut into (Server-Sent Events, as OpenAI streams) and the pause between them. Every
request body is kept in ``requests``; ``sent`` and ``finished`` say how far the current
stream has got.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Text = str | Callable[[dict], str]


@dataclass
class Reply:
    text: Text = ""
    status: int = 200
    delay: float = 0.0  # seconds before the response starts
    pieces: int = 3  # stream: characters per SSE chunk
    error: str = "scripted failure"
    headers: tuple[tuple[str, str], ...] = ()
    cut_after: int | None = None  # stream: drop the connection after this many chunks
    gap: float = 0.0  # stream: seconds between chunks (a model writing at its own pace)


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.sent = 0  # stream chunks sent for the current reply, and whether it finished
        self.finished = False
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake._lock:
                    fake.requests.append(body)
                    reply = fake._queue.popleft() if fake._queue else None
                if reply is None:
                    reply = Reply(status=500, error="no scripted reply left")
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    if reply.status != 200:
                        self._error(reply)
                    elif body.get("stream"):
                        self._stream(body, reply)
                    else:
                        self._complete(body, reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def _send(self, status: int, payload: bytes, ctype: str, extra=()) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                for k, v in extra:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            def _error(self, reply: Reply) -> None:
                err = {"error": {"message": reply.error, "type": "scripted", "code": None}}
                self._send(
                    reply.status, json.dumps(err).encode(), "application/json", reply.headers
                )

            def _complete(self, body: dict, reply: Reply) -> None:
                text = _text(reply, body)
                payload = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "fake"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                self._send(200, json.dumps(payload).encode(), "application/json", reply.headers)

            def _stream(self, body: dict, reply: Reply) -> None:
                text = _text(reply, body)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                step = max(1, reply.pieces)
                pieces = [text[i : i + step] for i in range(0, len(text), step)]
                fake.sent, fake.finished = 0, False
                for n, piece in enumerate(pieces):
                    if reply.cut_after is not None and n >= reply.cut_after:
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                    self._event(body, {"content": piece}, None)
                    fake.sent += 1
                    if reply.gap:
                        time.sleep(reply.gap)
                fake.finished = True
                self._event(body, {}, "stop")
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, body: dict, delta: dict, finish: str | None) -> None:
                chunk = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": body.get("model", "fake"),
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Reply | str) -> None:
        """Queue replies (plain strings are 200 replies with that text)."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self._queue.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _text(reply: Reply, body: dict) -> str:
    return reply.text(body) if callable(reply.text) else reply.text


_SOURCE_RE = re.compile(r'<source id="(\d+)" file="([^"]*)"[^>]*>\n(.*?)\n</source>', re.S)


def sources(body: dict) -> dict[int, tuple[str, str]]:
    """``{n: (file, text)}`` of the sources an answer-prompt request listed."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return {int(n): (f, t) for n, f, t in _SOURCE_RE.findall(user)}


def source_with(body: dict, phrase: str) -> int:
    """The number of the first listed source whose text contains ``phrase``."""
    for n, (_, text) in sorted(sources(body).items()):
        if phrase in text:
            return n
    raise AssertionError(f"no source in the prompt contains {phrase!r}")


def source_without(body: dict, phrase: str) -> int:
    """The number of the first listed source whose text lacks ``phrase``."""
    for n, (_, text) in sorted(sources(body).items()):
        if phrase not in text:
            return n
    raise AssertionError(f"every source contains {phrase!r}")
