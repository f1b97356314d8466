"""``client()``: an OpenAI-compatible client for a provider, a local server or the stand-in."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ._standin import STANDIN_MODEL, standin_server

DEFAULT_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Backend:
    """Which backend answers: ``kind`` is ``"server"`` (a provider or a local server named by
    the environment) or ``"stand-in"`` (the course's offline stand-in, not an instruction-following LLM).

    ``model`` is the model name to pass to ``chat.completions.create``; ``label`` is one line
    for people; ``reason`` says why the stand-in was chosen (empty for a server)."""

    kind: str
    model: str
    base_url: str
    label: str
    reason: str = ""

    @property
    def is_standin(self) -> bool:
        return self.kind == "stand-in"


def _probe(base_url: str, api_key: str, timeout: float) -> tuple[list[str], str]:
    """The model ids a server lists at ``GET {base_url}/models``, or an error text."""
    import httpx

    try:
        response = httpx.get(
            base_url.rstrip("/") + "/models",
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )
    except httpx.HTTPError as error:
        return [], f"{type(error).__name__}: {error}"
    if response.status_code != 200:
        return [], f"GET /models answered HTTP {response.status_code}"
    try:
        data = response.json()["data"]
        return [str(item["id"]) for item in data], ""
    except (ValueError, KeyError, TypeError):
        return [], "GET /models did not answer an OpenAI-style model list"


def _is_local(base_url: str) -> bool:
    """Whether ``base_url`` names a server on this machine (Ollama, llama.cpp, vLLM...)."""
    from urllib.parse import urlsplit

    host = (urlsplit(base_url).hostname or "").lower()
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def client(*, model: str | None = None, timeout: float = 2.0, offline: bool = False):
    """An ``openai.OpenAI`` client and the :class:`Backend` that answers it.

    Parameters
    ----------
    model : str, optional
        The model to use on a server; defaults to ``OPENAI_MODEL``. A server on this machine
        without one uses the first model it lists; a remote provider needs one (it lists
        models that cannot chat), else the stand-in is used and ``Backend.reason`` says why.
        Ignored by the stand-in, which has one model.
    timeout : float
        Seconds allowed for probing the server named by the environment.
    offline : bool
        Use the stand-in even when the environment names a server.

    Returns
    -------
    (openai.OpenAI, Backend)
        With ``OPENAI_BASE_URL`` and/or ``OPENAI_API_KEY`` set (a provider, or a local server
        such as Ollama, llama.cpp or vLLM) and that server answering ``GET /models`` within
        ``timeout``: a client for it. Otherwise a client for the stand-in served on
        ``127.0.0.1`` by this package, whose model name (``mlcourse-stand-in-char-4gram``) says
        that it is a stand-in: a character n-gram model, not an instruction-following LLM.
    """
    import openai

    base_url = os.environ.get("OPENAI_BASE_URL", "").strip()
    api_key = os.environ.get("OPENAI_API_KEY", "").strip()
    reason = "offline=True"
    if not offline:
        if base_url or api_key:
            base_url = base_url or DEFAULT_BASE_URL
            key = api_key or "not-needed"
            named = model or os.environ.get("OPENAI_MODEL", "").strip()
            local = _is_local(base_url)
            listed, error = ([], "") if not (named or local) else _probe(base_url, key, timeout)
            chosen = named or (listed or [""])[0]
            if not named and not local:
                error = "set OPENAI_MODEL to a chat model of this provider"
            if not error and chosen:
                backend = Backend(
                    "server", chosen, base_url, f"server at {base_url}, model {chosen}"
                )
                return openai.OpenAI(base_url=base_url, api_key=key, timeout=60.0), backend
            reason = f"{base_url} did not answer ({error or 'it lists no model'})"
        else:
            reason = "neither OPENAI_BASE_URL nor OPENAI_API_KEY is set"
    server = standin_server()
    backend = Backend(
        "stand-in",
        STANDIN_MODEL,
        server.base_url,
        "STAND-IN on 127.0.0.1 (this machine, no paid requests): a character n-gram model, "
        "not an instruction-following LLM",
        reason,
    )
    return openai.OpenAI(base_url=server.base_url, api_key="stand-in", timeout=10.0), backend
