"""Tandem's Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from saas.config import ROOT, engine_options, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then ``config`` overrides."""
    from dotenv import load_dotenv

    load_dotenv(ROOT / ".env", override=False)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_relative_config=True,
    )
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
        if "SQLALCHEMY_DATABASE_URI" in config:
            # The engine's options follow the database actually used (PostgreSQL's connect
            # timeout means nothing to SQLite), not the one the environment named.
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
                str(config["SQLALCHEMY_DATABASE_URI"]), dict(os.environ)
            )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    # Imported here, the one deliberate function-level import: the wiring pulls in every
    # blueprint, and ``import saas.domain`` (the engine's tests, the worker's children)
    # must not pay for that just because ``saas`` is its parent package.
    from saas import app_setup
    from saas.web.edge import init_edge

    app_setup.init_extensions(app)
    init_edge(app)  # the bounded int converter must exist before blueprints add their rules
    app_setup.register_blueprints(app)
    app_setup.register_hooks(app)
    app_setup.register_template_helpers(app)
    app_setup.register_cli(app)
    return app
