"""Test helpers for the LLM summarizer: a fake OpenAI-compatible server on loopback.

`FakeOpenAI` is a real HTTP server (a thread, a free loopback port) that
answers ``POST /v1/chat/completions`` with scripted responses, so tests run the
real ``openai`` client end to end: retries, timeouts, status codes and JSON
parsing included. Use it as a context manager::

    with FakeOpenAI([reply(summary_json("gist...", [quote_bullet("Ann Lee", "words")]))]) as api:
        config = LLMConfig(model="test-model", base_url=api.base_url, api_key="k")

Each request takes the next scripted `Scripted` response; when the script is
used up the ``default`` answers (a 500 unless given). ``requests`` holds every
request body as parsed JSON, in arrival order.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.testing import LoopbackServer, QuietHandler


@dataclass
class Scripted:
    """One response. ``content`` is the assistant message; ``body`` replaces the whole
    response body; ``delay`` stalls before answering (a timeout test); ``drip`` sends the
    body one byte per ``drip`` seconds (a server that never quite stalls)."""

    content: str | None = None
    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    prompt_tokens: int = 120
    completion_tokens: int = 60
    finish_reason: str = "stop"
    refusal: str | None = None
    content_type: str = "application/json"


def reply(content: str, **kwargs: Any) -> Scripted:
    """A 200 chat completion whose message is ``content``."""
    return Scripted(content=content, **kwargs)


def error(status: int, message: str = "scripted error", **kwargs: Any) -> Scripted:
    """An OpenAI-style error response (429 rate limit, 500, 503...)."""
    body = json.dumps({"error": {"message": message, "type": "scripted", "code": status}})
    return Scripted(status=status, body=body.encode(), **kwargs)


def summary_json(gist: str, bullets: Iterable[dict[str, Any]]) -> str:
    """The JSON a summary response carries."""
    return json.dumps({"gist": gist, "bullets": list(bullets)}, ensure_ascii=False)


def quote_bullet(speaker: str, text: str, role: str | None = None) -> dict[str, Any]:
    return {"speaker": speaker, "role": role, "kind": "quote", "text": text}


def paraphrase_bullet(speaker: str, text: str, role: str | None = None) -> dict[str, Any]:
    return {"speaker": speaker, "role": role, "kind": "paraphrase", "text": text}


def answer_json(answer: str, cited: Sequence[int]) -> str:
    """The JSON a follow-up answer response carries."""
    return json.dumps({"answer": answer, "cited": list(cited)}, ensure_ascii=False)


class FakeOpenAI(LoopbackServer):
    """A fake OpenAI-compatible chat completions server; see the module docstring."""

    def __init__(
        self,
        script: Iterable[Scripted] = (),
        *,
        default: Scripted | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.script: deque[Scripted] = deque(script)
        self.default = default or error(500, "script exhausted")
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._ids = itertools.count(1)
        super().__init__(host=host)

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def add(self, *responses: Scripted) -> None:
        with self._lock:
            self.script.extend(responses)

    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.requests)

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Scripted:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.script.popleft() if self.script else self.default

    def _completion(self, scripted: Scripted, model: str) -> bytes:
        message: dict[str, Any] = {"role": "assistant", "content": scripted.content}
        if scripted.refusal is not None:
            message["refusal"] = scripted.refusal
        return json.dumps(
            {
                "id": f"chatcmpl-fake-{next(self._ids)}",
                "object": "chat.completion",
                "created": 1_764_000_000,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": scripted.finish_reason,
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": scripted.prompt_tokens,
                    "completion_tokens": scripted.completion_tokens,
                    "total_tokens": scripted.prompt_tokens + scripted.completion_tokens,
                },
            }
        ).encode()

    def _handler_class(self) -> type[QuietHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, b'{"object": "list", "data": []}', {})
                else:
                    self._send(404, b'{"error": {"message": "not found"}}', {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.split("?", 1)[0].endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not found"}}', {})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                headers = {k.lower(): v for k, v in self.headers.items()}
                scripted = server._next(body, headers)
                if scripted.delay and self.stopping.wait(scripted.delay):
                    return  # shutting down
                payload = scripted.body
                if payload is None:
                    payload = server._completion(scripted, str(body.get("model", "fake")))
                # The client may have given up (a timeout test): expected.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(
                        scripted.status,
                        payload,
                        scripted.headers,
                        drip=scripted.drip,
                        content_type=scripted.content_type,
                    )

            def _send(
                self,
                status: int,
                body: bytes,
                headers: dict[str, str],
                *,
                drip: float = 0.0,
                content_type: str = "application/json",
            ) -> None:
                self.send_body(status, body, headers, content_type=content_type, drip=drip)

        return Handler
