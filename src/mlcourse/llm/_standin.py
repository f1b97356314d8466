"""The offline stand-in: an OpenAI-compatible chat endpoint on loopback, backed by a tiny model.

The model is a character n-gram model (order 4, with back-off to shorter contexts) counted in a
few milliseconds from a short text shipped here. It is **not** a language-model service: it
continues text one character at a time from what it has counted and understands nothing. It
exists so that the course's client code (messages, temperature, max_tokens, JSON mode) runs
offline and deterministically; every response says so in its ``model`` name.

Structured output: with ``response_format={"type": "json_object"}`` it returns a JSON object
(``{"text": ...}``) that follows no schema, as a real JSON mode guarantees only valid JSON; with
``{"type": "json_schema", ...}`` it fills the schema's properties (an enum value named in the
last user message or else the first one, the first number in that message clipped to the
schema's bounds, generated text for strings), which is what the lessons validate.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import socket
import threading
import time
from collections import Counter, defaultdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

STANDIN_MODEL = "mlcourse-stand-in-char-4gram"
ORDER = 4

_TEXT = """\
A model learns from data and is judged on data it has not seen. The training set fits the
model, the validation set chooses between models, and the test set is used once, at the end,
to report the result. A baseline comes first: the simplest model that could work. A language
model predicts the next token from the tokens before it. It is trained to make the text it
reads probable, and its perplexity on held-out text says how surprised it is on average. A
tokenizer splits text into tokens; byte-pair encoding merges the most frequent pairs of
symbols until the vocabulary is full. An embedding turns each token into a vector. Attention
lets every position look at the positions before it. Sampling turns the predicted
probabilities into text: a low temperature picks the likely tokens, a high temperature takes
more risks. Top-k keeps the k most likely tokens; top-p keeps the smallest set of tokens whose
probability reaches p. A prompt gives the model its instructions, a few examples and the input
between clear delimiters. Structured output is checked before it is used: parse it, validate
it against a schema, and ask again when it is wrong. Models are evaluated on held-out data,
errors are read one by one, and every number is reported with what it means. Good features
and clean data matter more than a clever model. The learning rate sets the size of each step
of gradient descent; too large and the loss diverges, too small and training crawls. Overfitting
shows as a gap between the training loss and the validation loss. Regularisation, more data
and early stopping narrow the gap. A confusion matrix counts the right and wrong predictions of
each class, and precision and recall read it from two sides.
"""


class CharModel:
    """Character n-gram counts with back-off: ``P(next | last ORDER-1 characters)``."""

    def __init__(self, text: str = _TEXT, order: int = ORDER):
        self.order = order
        self.text = " ".join(text.split())
        self.alphabet = sorted(set(self.text))
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        for n in range(order):  # contexts of length 0 .. order-1
            for i in range(n, len(self.text)):
                self.counts[self.text[i - n : i]][self.text[i]] += 1

    def distribution(self, context: str) -> tuple[list[str], list[float]]:
        """The next-character probabilities after ``context`` (longest known suffix)."""
        for n in range(self.order - 1, -1, -1):
            suffix = context[len(context) - n :] if n else ""
            if len(suffix) == n and suffix in self.counts:
                counter = self.counts[suffix]
                chars = sorted(counter)
                total = sum(counter.values())
                return chars, [counter[c] / total for c in chars]
        raise AssertionError("the empty context is always counted")  # pragma: no cover

    def generate(
        self,
        context: str,
        *,
        max_chars: int,
        temperature: float,
        top_p: float,
        rng: random.Random,
        stop_at_sentence: bool = True,
    ) -> tuple[str, str]:
        """Continue ``context``; return the text and the finish reason (``stop``/``length``)."""
        context = " ".join(context.split())[-(self.order - 1) :] or " "
        out: list[str] = []
        while len(out) < max_chars:
            chars, probs = self.distribution(context + "".join(out))
            if temperature == 0:
                best = max(probs)
                char = chars[probs.index(best)]
            else:
                logits = [math.log(p) / temperature for p in probs]
                top = max(logits)
                weights = [math.exp(v - top) for v in logits]
                total = sum(weights)
                pairs = sorted(zip(weights, chars, strict=True), key=lambda wc: -wc[0])
                kept, mass = [], 0.0
                for weight, c in pairs:
                    kept.append((weight, c))
                    mass += weight / total
                    if mass >= top_p:
                        break
                char = rng.choices([c for _, c in kept], weights=[w for w, _ in kept])[0]
            out.append(char)
            if stop_at_sentence and char == "." and len(out) >= 40:
                return "".join(out).strip(), "stop"
        return "".join(out).strip(), "length"


# --------------------------------------------------------------------------------------
# The OpenAI-compatible app.
# --------------------------------------------------------------------------------------


def _resolve_ref(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """The schema a local ``$ref`` (``#/$defs/Name``) points to, else ``schema`` itself."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    target: Any = root
    for part in ref[2:].split("/"):
        target = (
            target.get(part.replace("~1", "/").replace("~0", "~"), {})
            if isinstance(target, dict)
            else {}
        )
    return target if isinstance(target, dict) else {}


def _schema_value(
    schema: dict[str, Any],
    prompt: str,
    filler: str,
    depth: int = 0,
    root: dict[str, Any] | None = None,
) -> Any:
    """A value for a JSON schema, filled from the prompt (enums, numbers) or generated text.

    Local ``$ref`` are resolved against the root schema, ``anyOf``/``oneOf`` take their first
    branch that is not ``null`` (an Optional field gets a value), ``const`` gives its value."""
    root = schema if root is None else root
    if depth > 8:
        return None
    schema = _resolve_ref(schema, root)
    if "const" in schema:
        return schema["const"]
    for combiner in ("anyOf", "oneOf", "allOf"):
        branches = [b for b in schema.get(combiner) or [] if isinstance(b, dict)]
        if branches:
            resolved = [_resolve_ref(b, root) for b in branches]
            chosen = next((b for b in resolved if b.get("type") != "null"), resolved[0])
            return _schema_value(chosen, prompt, filler, depth + 1, root)
    if "enum" in schema and schema["enum"]:
        lowered = prompt.lower()
        named = [v for v in schema["enum"] if isinstance(v, str) and v.lower() in lowered]
        return named[-1] if named else schema["enum"][0]
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: _schema_value(
                sub if isinstance(sub, dict) else {}, prompt, filler, depth + 1, root
            )
            for name, sub in properties.items()
        }
    if kind == "array":
        item = schema.get("items", {})
        return [
            _schema_value(item if isinstance(item, dict) else {}, prompt, filler, depth + 1, root)
        ]
    if kind in ("integer", "number"):
        numbers = re.findall(r"-?\d+(?:\.\d+)?", prompt)
        value = float(numbers[0]) if numbers else 0.0
        low = schema.get("minimum", -math.inf)
        high = schema.get("maximum", math.inf)
        value = min(max(value, low), high)
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return filler


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    @property
    def text(self) -> str:
        """The content as text: a list of parts gives its text parts joined, None gives ""."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(
            str(part.get("text", "")) for part in self.content if part.get("type") == "text"
        )


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[Message] = Field(min_length=1)
    temperature: float = Field(1.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    max_tokens: int | None = Field(None, ge=1, le=4096)
    max_completion_tokens: int | None = Field(None, ge=1, le=4096)
    n: int = 1
    stream: bool = False
    seed: int | None = None
    response_format: dict[str, Any] | None = None


def create_app(model: CharModel | None = None) -> Any:
    """The FastAPI app of the stand-in: ``GET /v1/models`` and ``POST /v1/chat/completions``."""
    from fastapi import FastAPI, HTTPException, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    chars = model or CharModel()

    app = FastAPI(title="mlcourse stand-in (not a language model service)")

    def _error(status: int, message: str, param: str | None, code: str | None) -> Any:
        body = {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": param,
                "code": code,
            }
        }
        return JSONResponse(body, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Any:
        first = (error.errors() or [{}])[0]
        where = [str(p) for p in first.get("loc", ()) if p != "body"]
        param = ".".join(where) or None
        message = f"Invalid request: {first.get('msg', 'invalid body')}" + (
            f" (at {param})" if param else ""
        )
        return _error(400, message, param, None)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Any:
        code = "model_not_found" if error.status_code == 404 else None
        return _error(error.status_code, str(error.detail), None, code)

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": STANDIN_MODEL, "object": "model", "created": 0, "owned_by": "mlcourse"}
            ],
        }

    @app.post("/v1/chat/completions")
    def chat(request: ChatRequest) -> dict[str, Any]:
        if request.model != STANDIN_MODEL:
            raise HTTPException(
                404, f"model {request.model!r} not found; this server has only {STANDIN_MODEL!r}"
            )
        if request.n != 1 or request.stream:
            raise HTTPException(400, "the stand-in supports n=1 and stream=false only")
        fmt = request.response_format or {"type": "text"}
        kind = fmt.get("type")
        if kind not in ("text", "json_object", "json_schema"):
            raise HTTPException(400, f"unknown response_format type {kind!r}")
        schema = None
        if kind == "json_schema":
            schema = (fmt.get("json_schema") or {}).get("schema")
            if not isinstance(schema, dict):
                raise HTTPException(400, "response_format json_schema needs json_schema.schema")
        if kind == "json_object" and not any("json" in m.text.lower() for m in request.messages):
            raise HTTPException(
                400,
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'.",
            )
        users = [m.text for m in request.messages if m.role == "user"]
        if not users:
            raise HTTPException(400, "the messages hold no user message")
        limit = request.max_completion_tokens or request.max_tokens or 200
        payload = json.dumps(
            [request.model_dump(mode="json"), request.seed], sort_keys=True
        ).encode()
        seed = (
            request.seed
            if request.seed is not None
            else int(hashlib.sha256(payload).hexdigest()[:12], 16)
        )
        rng = random.Random(seed)
        text, finish = chars.generate(
            users[-1],
            max_chars=limit if kind == "text" else max(1, limit // 2),
            temperature=request.temperature,
            top_p=request.top_p,
            rng=rng,
        )
        if kind in ("json_object", "json_schema"):
            value = (
                {"text": text} if kind == "json_object" else _schema_value(schema, users[-1], text)
            )
            text = json.dumps(value)
            finish = "stop"
            if len(text) > limit:  # a reply cut at max_tokens is incomplete JSON
                text, finish = text[:limit], "length"
        prompt_tokens = sum(len(m.text) for m in request.messages)
        return {
            "id": f"chatcmpl-standin-{seed:x}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": STANDIN_MODEL,
            "system_fingerprint": "stand-in",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": finish,
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(text),
                "total_tokens": prompt_tokens + len(text),
            },
        }

    return app


class StandinServer:
    """The stand-in served by uvicorn in a daemon thread on ``127.0.0.1`` (a free port)."""

    def __init__(self) -> None:
        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        # log_config=None: uvicorn's logging setup (dictConfig) would close the notebook's
        # existing log handlers, and absl's (TensorFlow's) closes its stream, sys.stderr
        config = uvicorn.Config(
            create_app(), log_level="warning", access_log=False, log_config=None
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 10.0) -> StandinServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the stand-in server did not start on 127.0.0.1")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()


_LOCK = threading.Lock()
_RUNNING: StandinServer | None = None


def standin_server() -> StandinServer:
    """The process's stand-in server, started on first use and reused afterwards."""
    global _RUNNING
    with _LOCK:
        if _RUNNING is None:
            _RUNNING = StandinServer().start()
        return _RUNNING
