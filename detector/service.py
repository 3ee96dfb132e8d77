"""The local HTTP service (FastAPI on uvicorn) that the browser extension talks to.

The model is loaded once in the lifespan and handed to routes through a
dependency; a model replaced by ``detector train`` is picked up without a
restart. ``Guard`` (a plain ASGI middleware) refuses, before any route runs,
requests whose Host is not loopback (DNS rebinding), whose Origin is a web
page, or whose body is too large or too deeply nested. See SECURITY.md.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .auth import extension_id, get_token, host_allowed, read_pinned, token_matches
from .errors import DetectorError, InvalidInput
from .feedback import FeedbackStore
from .model import Prediction, block_dict
from .segment import segment_html
from .settings import CATEGORIES, Settings, load_settings
from .store import LoadedModel, current_model_path, load_model, resolve_model_path

log = logging.getLogger("detector.service")
Category = Literal["donation", "paywall", "newsletter", "adblock", "foreign_agent"]
Label = Literal["donation", "paywall", "newsletter", "adblock", "foreign_agent", "content"]


# ------------------------------------------------------------------ schemas

class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class BlockIn(_In):
    id: str = Field(max_length=256, description="The caller's id for the block; echoed back.")
    text: str = Field(description="The block's text; longer than the limit is truncated, not refused.")
    tag: str | None = Field(None, max_length=32, examples=["p"], description="Lower-case tag name; omit for text without markup.")
    attrs: str | None = Field(None, description="class/id/role tokens of the element and its ancestors.")
    link_density: float | None = Field(None, ge=0, le=1)
    position: float | None = Field(None, ge=0, le=1, description="Index / (blocks - 1) on the page.")


class ClassifyRequest(_In):
    url: str | None = Field(None, max_length=8192)
    blocks: list[BlockIn]
    categories: list[Category] | None = Field(None, description="Categories to hide; default all.")
    sensitivity: float = Field(0.5, ge=0, le=1, description="Higher hides more.")


class ClassifyHtmlRequest(_In):
    url: str | None = Field(None, max_length=8192)
    html: str = Field(pattern=r"^[^\x00]*$", description="The page's HTML (no NUL characters).")
    categories: list[Category] | None = None
    sensitivity: float = Field(0.5, ge=0, le=1)


class Cue(BaseModel):
    cue: str
    weight: float


class Decision(BaseModel):
    hide: bool
    category: Category | None
    scores: dict[str, float]
    why: list[Cue]
    source: Literal["model", "feedback"]


class BlockOut(Decision):
    id: str


class HtmlBlockOut(Decision):
    text: str
    selector: str | None


class ClassifyResponse(BaseModel):
    blocks: list[BlockOut]


class ClassifyHtmlResponse(BaseModel):
    blocks: list[HtmlBlockOut]


class FeedbackRequest(_In):
    url: str = Field(max_length=8192)
    text: str = Field(min_length=1)
    attrs: str | None = Field(None, max_length=4096)
    label: Label


class FeedbackResponse(BaseModel):
    stored: bool
    id: int


class PairResponse(BaseModel):
    token: str


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    model: dict


class Problem(BaseModel):
    detail: str


# ------------------------------------------------------------------ the model, swapped atomically

class ModelHolder:
    """Holds the model in use; re-checks the user's models directory at most once a second."""

    def __init__(self, settings: Settings, explicit=None):
        self.settings = settings
        self.explicit = explicit
        self._lock = threading.Lock()
        self._checked = 0.0
        self.loaded: LoadedModel = load_model(resolve_model_path(settings.models_dir, explicit))
        self._key = self._pointer_key()

    def _pointer_key(self):
        if self.explicit is not None:
            return None
        pointer = self.settings.models_dir / "current"
        try:
            st = pointer.stat()
            return (st.st_mtime_ns, st.st_ino, st.st_size)
        except FileNotFoundError:
            return None

    def get(self) -> LoadedModel:
        now = time.monotonic()
        if self.explicit is None and now - self._checked >= self.settings.model_check_seconds:
            with self._lock:
                if now - self._checked >= self.settings.model_check_seconds:
                    self._checked = now
                    self._maybe_swap()
        return self.loaded  # requests in flight keep the object they already hold

    def _maybe_swap(self) -> None:
        key = self._pointer_key()
        if key == self._key:
            return
        self._key = key
        path = current_model_path(self.settings.models_dir)
        if path is None or path == self.loaded.path:
            return
        try:
            self.loaded = load_model(path)
            log.warning("now serving model %s", path.name)
        except DetectorError as exc:
            log.error("kept the old model: %s", exc)


# ------------------------------------------------------------------ the guard

# A JSON string, escapes included, written as "unrolled" runs: a classify-html
# body is mostly one long string, and this form takes a run of plain characters
# in one step where "(?:[^"\\]|\\.)*" took them one by one (4.3 ms -> 1.0 ms
# at the median real page).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """True when the JSON text nests deeper than ``limit`` (strings ignored)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    skeleton = _JSON_STRING.sub(b"", body)
    depth = 0
    for ch in skeleton.translate(None, bytes(b for b in range(256) if b not in b"[]{}")):
        depth += 1 if ch in b"[{" else -1
        if depth > limit:
            return True
    return False


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket for the service.

    The protocol is named, not left at 0: asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on sockets whose protocol says TCP, and accepted
    connections inherit the listener's. Without it, every answer after the
    first on a kept-alive connection (the extension's, and httpx's) waited for
    the client's delayed ACK: 40 ms of nothing per request.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise InvalidInput(f"cannot listen on {host}:{port}: {exc.strerror} "
                           "(is another `detector serve` running? try --port)") from None
    return sock


class Guard:
    """Loopback Host, no web Origin, bounded body: checked before any route runs."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not host_allowed(headers.get("host"), self.settings.port):
            return await _reply(send, 403, "forbidden")
        origin = headers.get("origin")
        if origin is not None and extension_id(origin) is None:
            return await _reply(send, 403, "forbidden")
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        limit = self.settings.max_body_bytes
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _reply(send, 413, f"request body is larger than {limit} bytes")
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await _reply(send, 413, f"request body is larger than {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        problem = _body_problem(body, self.settings.max_json_depth)
        if problem:
            return await _reply(send, *problem)
        # every POST route takes JSON: read it as JSON whatever Content-Type the client sent
        scope = dict(scope)
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"]
        scope["headers"].append((b"content-type", b"application/json"))
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


def _body_problem(body: bytes, max_depth: int):
    if not body.strip():
        return None  # the route says which fields it needs
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return 400, f"request body is not valid UTF-8 (byte {exc.start})"
    if json_depth_exceeds(body, max_depth):
        return 422, f"JSON nests deeper than {max_depth} levels"
    try:
        json.loads(text)
    except ValueError as exc:
        return 400, f"request body is not valid JSON: {exc}"
    return None


async def _reply(send, status: int, detail: str):
    payload = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


# ------------------------------------------------------------------ the app

def _apply_feedback(preds: list[Prediction], labels, enabled) -> None:
    for pred, label in zip(preds, labels):
        if label is None:
            continue
        pred.source = "feedback"
        pred.why = [{"cue": "your correction on this site", "weight": 0.0}]
        if label == "content" or (enabled is not None and label not in enabled):
            pred.hide, pred.category = False, None
        else:
            pred.hide, pred.category = True, label


def create_app(settings: Settings | None = None, model_path=None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.models = ModelHolder(settings, model_path)
        app.state.token = get_token(settings.token_path)
        app.state.feedback = FeedbackStore(settings.feedback_path)
        try:
            yield
        finally:
            app.state.feedback.close()

    app = FastAPI(
        title="Appeal Detector", version=__version__, lifespan=lifespan,
        description="Local service that scores page blocks as appeals. Loopback only; token required.",
        responses={400: {"model": Problem}, 401: {"model": Problem}, 403: {"model": Problem},
                   413: {"model": Problem},
                   422: {"model": Problem}},
    )
    app.add_middleware(Guard, settings=settings)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            parts.append(f"{where}: {err.get('msg')}")
        return JSONResponse({"detail": "; ".join(parts)}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        # a bug of ours: JSON like every other answer, the details in our log, none to the client
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "internal error; see the service's log"}, status_code=500)

    @app.exception_handler(DetectorError)
    async def library_error(request: Request, exc: DetectorError):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def models(request: Request) -> LoadedModel:
        return request.app.state.models.get()

    def feedback(request: Request) -> FeedbackStore:
        return request.app.state.feedback

    def require_token(request: Request, x_detector_token: str | None = Header(None)) -> None:
        if not token_matches(request.app.state.token, x_detector_token):
            raise HTTPException(401, "missing or wrong X-Detector-Token (see `detector token`)")

    def predict(loaded: LoadedModel, store: FeedbackStore, url, dicts, categories, sensitivity):
        limit = settings.max_blocks
        if len(dicts) > limit:
            raise HTTPException(413, f"too many blocks: {len(dicts)}, at most {limit} per request")
        for d in dicts:
            d["text"] = d["text"][: settings.max_block_chars]
        preds = loaded.model.predict(dicts, categories=categories, sensitivity=sensitivity,
                                     top=settings.explain_top)
        _apply_feedback(preds, store.lookup_many(url, [d["text"] for d in dicts]), categories)
        return preds

    @app.get("/v1/health", response_model=Health)
    def health(loaded: LoadedModel = Depends(models)):
        meta = loaded.meta
        return Health(status="ok", version=__version__, model={
            "file": loaded.path.name, "saved_at": meta.get("saved_at"),
            "categories": meta.get("categories"), "thresholds": meta.get("thresholds"),
            "corpus_sha256": meta.get("corpus_sha256"),
        })

    @app.post("/v1/pair", response_model=PairResponse)
    def pair(request: Request):
        ext = extension_id(request.headers.get("origin"))
        pinned = read_pinned(settings.pairing_path)
        if ext is None or (pinned is not None and ext != pinned):
            raise HTTPException(403, "forbidden")
        return PairResponse(token=request.app.state.token)

    @app.post("/v1/classify", response_model=ClassifyResponse, dependencies=[Depends(require_token)])
    def classify(req: ClassifyRequest, loaded: LoadedModel = Depends(models),
                 store: FeedbackStore = Depends(feedback)):
        n = len(req.blocks)
        dicts = []
        for i, b in enumerate(req.blocks):
            dicts.append({
                "text": b.text, "tag": (b.tag or "").lower(), "attrs": b.attrs or "",
                "link_density": b.link_density or 0.0,
                "position": b.position if b.position is not None else i / max(1, n - 1),
            })
        preds = predict(loaded, store, req.url, dicts, req.categories, req.sensitivity)
        # Plain JSON, not pydantic objects: a page's worth of blocks built as models,
        # then checked and encoded again by FastAPI, cost more than the classification.
        # response_model still gives the schema, and the fuzz test holds answers to it.
        return JSONResponse({"blocks": [{**p.as_dict(), "id": b.id} for b, p in zip(req.blocks, preds)]})

    @app.post("/v1/classify-html", response_model=ClassifyHtmlResponse,
              dependencies=[Depends(require_token)])
    def classify_html(req: ClassifyHtmlRequest, loaded: LoadedModel = Depends(models),
                      store: FeedbackStore = Depends(feedback)):
        if not req.html.strip():
            return ClassifyHtmlResponse(blocks=[])  # an empty page has no blocks
        try:
            blocks = segment_html(req.html)
        except InvalidInput as exc:
            raise HTTPException(422, f"html: {exc}") from None
        dicts = [block_dict(b) for b in blocks]
        preds = predict(loaded, store, req.url, dicts, req.categories, req.sensitivity)
        return JSONResponse({"blocks": [  # plain JSON, as in classify
            {**p.as_dict(), "text": d["text"], "selector": b.selector}
            for b, d, p in zip(blocks, dicts, preds)
        ]})

    @app.post("/v1/feedback", response_model=FeedbackResponse, dependencies=[Depends(require_token)])
    def add_feedback(req: FeedbackRequest, store: FeedbackStore = Depends(feedback)):
        return FeedbackResponse(stored=True, id=store.add(req.url, req.text, req.label, req.attrs or ""))

    return app
