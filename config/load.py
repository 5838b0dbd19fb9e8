"""Load the operator's TOML file into ``Settings``, with errors a person can act on.

Resolves which file to read (``--config``, then ``WIREFEED_CONFIG``, then ``./wirefeed.toml``,
else built-in defaults) and turns TOML and validation failures into one ``ConfigError`` listing
every problem with its key. It does not create databases or directories.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.errors import ConfigError
from config.settings import Settings

ENV_VAR = "WIREFEED_CONFIG"
DEFAULT_FILE = "wirefeed.toml"


def resolve_config_path(explicit: str | None) -> Path | None:
    """The config file to use, or None for built-in defaults."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    default = Path(DEFAULT_FILE)
    return default if default.exists() else None


def load_settings(path: str | Path | None) -> Settings:
    """Read and validate a config file; ``None`` gives the defaults."""
    if path is None:
        return Settings()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot read file: {exc}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from exc
    return settings_from_dict(data, str(path))


def settings_from_dict(data: dict[str, Any], origin: str = "<config>") -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(origin, [_describe(err, data) for err in exc.errors()]) from exc


def _describe(err: Any, data: dict[str, Any]) -> str:
    loc = tuple(err.get("loc", ()))
    key = _key_path(loc, data)
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(loc[:-1]))
        return f"{key}: unknown key; allowed here: {allowed}"
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if kind == "literal_error":
        return f"{key}: {msg} (got {err.get('input')!r})"
    if kind == "missing":
        return f"{key}: required key is missing"
    return f"{key}: {msg}" if key else msg


def _key_path(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """A readable key path: ``sources[2] (reuters-world).interval``."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict) and isinstance(node.get("name"), str):
                    label += f" ({node['name']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    from pydantic import BaseModel

    model: Any = Settings
    for item in loc:
        if isinstance(item, int):
            continue
        field = model.model_fields.get(item)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args]
        nxt = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if nxt is None:
            return []
        model = nxt
    return sorted(model.model_fields)
