"""The per-install token, extension pairing, and the Host/Origin rules of the service."""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import re
import secrets
from pathlib import Path

from .errors import InvalidInput
from .store import atomic_write

EXTENSION_ORIGIN = re.compile(r"^(chrome-extension|moz-extension)://([A-Za-z0-9_-]{1,64})$")
LOOPBACK_NAMES = {"localhost", "localhost.", "127.0.0.1", "[::1]", "::1"}


def get_token(path: Path) -> str:
    """The per-install secret, created on first use, readable by the user only."""
    path = Path(path)
    try:
        token = path.read_text().strip()
        if token:
            return token
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    token = secrets.token_urlsafe(32)
    try:  # O_EXCL: if two processes race, the first file wins and both read it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return token


def token_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def extension_id(origin: str | None) -> str | None:
    """The extension id of a chrome-extension:// or moz-extension:// origin, else None."""
    if not origin:
        return None
    match = EXTENSION_ORIGIN.match(origin.strip())
    return match.group(2) if match else None


def host_allowed(host_header: str | None, port: int) -> bool:
    """True when Host names a loopback address with our port (defeats DNS rebinding)."""
    if not host_header:
        return False
    host = host_header.strip().lower()
    if host.startswith("["):
        name, _, rest = host.partition("]")
        name += "]"
        given_port = rest[1:] if rest.startswith(":") else None
    else:
        name, _, given_port = host.partition(":")
        given_port = given_port or None
    if given_port is not None and given_port != str(port):
        return False
    if given_port is None and port != 80:
        return False
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def read_pinned(path: Path) -> str | None:
    try:
        return json.loads(Path(path).read_text()).get("extension_id")
    except (FileNotFoundError, ValueError, AttributeError):
        return None


def pin_extension(path: Path, ext_id: str | None) -> None:
    """Limit pairing to one extension id (None lifts the limit)."""
    if ext_id is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", ext_id):
        raise InvalidInput(f"not an extension id: {ext_id!r} (letters, digits, '-' and '_' only)")
    atomic_write(Path(path), json.dumps({"extension_id": ext_id}).encode())
