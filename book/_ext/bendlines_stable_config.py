"""The configuration Sphinx remembers is the one conf.py gives, not what extensions made of it.

Sphinx compares the configuration of the last build (pickled with the environment) with this
build's, right after ``config-inited``. Themes and extensions then add to some values while
the builder starts (static and template folders, the theme's permalink icon and source-link
suffix, MyST-NB's MathJax options, copybutton's page context), so the pickled values always
differ from conf.py's and every build said "The configuration has changed (9 options)".

This extension keeps a copy of every value as it stood after ``config-inited`` and gives the
environment that copy while it is pickled; the build itself keeps using the live values. And
when a value really changed but no page had to be read again (Sphinx then rewrites the pages
but keeps the old pickle, so every later build would report the same change), it pickles the
environment with the new values once the build has succeeded.
"""

from __future__ import annotations

import copy
import hashlib
import os
import pickle
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

_SNAPSHOT = "_bendlines_config_snapshot"
_LIVE = "_bendlines_live_config"
_PICKLED = "_bendlines_env_pickled"


def _snapshot(app: Sphinx, config: Config) -> None:
    """The values as conf.py and the extensions' defaults give them, before the build starts."""
    pristine = copy.copy(config)
    pristine.__dict__ = {name: _copy(value) for name, value in config.__dict__.items()}
    setattr(app, _SNAPSHOT, pristine)


def _copy(value: object) -> object:
    """A deep copy where one exists (modules and functions are shared: never pickled)."""
    try:
        return copy.deepcopy(value)
    except (TypeError, copy.Error):
        return value


def _pickle_pristine(app: Sphinx, env: BuildEnvironment) -> None:
    """Just before the environment is pickled: it remembers the pristine configuration."""
    pristine = getattr(app, _SNAPSHOT, None)
    if pristine is not None and env.config is not pristine:
        setattr(app, _LIVE, env.config)
        env.config = pristine


def _restore_live(app: Sphinx, *args) -> None:
    """After pickling, the rest of the build sees the live configuration again."""
    live = getattr(app, _LIVE, None)
    if live is not None:
        app.env.config = live
        setattr(app, _LIVE, None)


def _fingerprint(config: Config) -> str:
    """A digest of every value, as Sphinx compares them."""
    from sphinx.util._serialise import stable_str

    values = {option.name: option.value for option in config}
    return hashlib.sha256(stable_str(values).encode()).hexdigest()


def _fingerprint_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "bendlines-pickled-config.sha256"


def _note_pickled(app: Sphinx, env: BuildEnvironment) -> None:
    """Sphinx pickled the environment (with the pristine values): remember their digest."""
    setattr(app, _PICKLED, True)
    _restore_live(app)
    pristine = getattr(app, _SNAPSHOT, None)
    if pristine is not None:
        _fingerprint_file(app).write_text(_fingerprint(pristine) + "\n", encoding="ascii")


def _remember_a_changed_configuration(app: Sphinx, exception: Exception | None) -> None:
    """Pickle the environment after a successful build whose configuration changed while no
    page was read (Sphinx pickles it only when pages were read)."""
    from sphinx.application import ENV_PICKLE_FILENAME

    pristine = getattr(app, _SNAPSHOT, None)
    if exception is not None or getattr(app, _PICKLED, False) or pristine is None:
        return
    current = _fingerprint(pristine)
    try:
        if _fingerprint_file(app).read_text(encoding="ascii").strip() == current:
            return
    except OSError:
        pass
    _pickle_pristine(app, app.env)
    try:
        path = app.doctreedir / ENV_PICKLE_FILENAME
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as file:
            pickle.dump(app.env, file, pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        _fingerprint_file(app).write_text(current + "\n", encoding="ascii")
    finally:
        _restore_live(app)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _snapshot, priority=1000)  # after every other handler
    app.connect("env-updated", _pickle_pristine, priority=1000)
    app.connect("env-check-consistency", _note_pickled, priority=0)
    app.connect("write-started", _restore_live, priority=0)
    app.connect("build-finished", _remember_a_changed_configuration, priority=1000)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
