"""Config: the operator's TOML file, validated into frozen settings.

``load_settings(path)`` is the one entry point; nothing here reads the database or the network.
"""

from config.errors import ConfigError
from config.load import load_settings, resolve_config_path
from config.settings import SectionSettings, Settings, SourceSettings

__all__ = [
    "ConfigError",
    "SectionSettings",
    "Settings",
    "SourceSettings",
    "load_settings",
    "resolve_config_path",
]
