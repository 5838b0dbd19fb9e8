"""The config file: what loads, what is refused, and how the refusal reads."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from config import ConfigError, Settings, load_settings
from config.load import resolve_config_path, settings_from_dict
from config.settings import parse_interval

EXAMPLE = Path(__file__).parent.parent / "config" / "example.toml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wirefeed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    settings = load_settings(None)
    assert settings.database.url == "sqlite:///wirefeed.db"
    assert settings.publish.output_dir == "site"
    assert settings.sources == ()


def test_example_config_loads() -> None:
    settings = load_settings(EXAMPLE)
    assert settings.sources[0].name == "example-world"
    assert settings.sources[0].interval_seconds == 15 * 60
    assert {s.slug for s in settings.sections} >= {"world", "politics", "stock"}


def _all_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(name)
        for candidate in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys |= _all_keys(candidate)
    return keys


def test_example_config_documents_every_setting() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    written: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                written.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    missing = _all_keys(Settings) - written
    assert not missing, f"settings missing from config/example.toml: {sorted(missing)}"


def test_unknown_key_names_file_key_source_and_allowed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[sources]]\nname = "reuters-world"\nurl = "https://x.example/feed"\nintervall = "5m"\n',
    )
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    message = str(err.value)
    assert str(path) in message
    assert "sources[0] (reuters-world).intervall: unknown key" in message
    assert "interval" in message.split("allowed here:")[1]


def test_bad_value_says_what_is_allowed(tmp_path: Path) -> None:
    path = _write(
        tmp_path, '[[sources]]\nname = "a"\nurl = "https://x.example/"\nfull_text = "sometimes"\n'
    )
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "sources[0] (a).full_text" in str(err.value)
    assert "'auto', 'always' or 'never'" in str(err.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[sources]]\nname = "Bad Name"\nurl = "https://x/"\n', "must be a slug"),
        ('[[sources]]\nname = "a"\nurl = "ftp://x/"\n', "http:// or https://"),
        ('[[sources]]\nname = "a"\nurl = "https://x/"\ninterval = "soon"\n', "not an interval"),
        ('[database]\nurl = "mysql://x"\n', "sqlite"),
        ('[publish]\nbase_url = "news.example.org"\n', "absolute http(s) URL"),
        ("[publish\n", "not valid TOML"),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/"\n[[sources]]\nname = "a"\n'
            'url = "https://y/"\n',
            "used twice",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/"\nsections = ["Sport"]\n',
            "unknown section 'Sport'",
        ),
    ],
)
def test_invalid_configs_are_refused_with_a_reason(
    tmp_path: Path, text: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(_write(tmp_path, text))
    assert fragment in str(err.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("1h30m", 5400), ("2d", 172800), (60, 60)]
)
def test_intervals(text: str | int, seconds: int) -> None:
    assert parse_interval(text) == seconds


def test_config_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIREFEED_CONFIG", raising=False)
    assert resolve_config_path(None) is None
    (tmp_path / "wirefeed.toml").write_text("")
    assert resolve_config_path(None) == Path("wirefeed.toml")
    monkeypatch.setenv("WIREFEED_CONFIG", "/etc/other.toml")
    assert resolve_config_path(None) == Path("/etc/other.toml")
    assert resolve_config_path("given.toml") == Path("given.toml")


def test_settings_are_frozen() -> None:
    settings = settings_from_dict({})
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on frozen
        settings.database.url = "sqlite:///other.db"  # type: ignore[misc]
