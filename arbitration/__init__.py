"""卡盟争议仲裁: dispute and arbitration case management for virtual-goods platforms."""
from __future__ import annotations

import os

from flask import Flask

from arbitration import config as config_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def settle_heap() -> None:
    """Once a serving process has built its app: move everything alive now (modules, the app, templates) out of
    the garbage collector's sight, so the full collection after each PDF render (pdf_render.html_to_pdf) walks
    only that render's objects (≈ 90 ms → ≈ 10 ms per ruling; docs/BENCHMARKS.md)."""
    import gc

    gc.collect()
    gc.freeze()


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=os.path.join(ROOT, "templates"),
                static_folder=os.path.join(ROOT, "static"), instance_relative_config=False)
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment())
    app.config.update(overrides or {})
    app.instance_path = app.config["INSTANCE_PATH"]
    from arbitration import pdf_fonts

    pdf_fonts.use(app.config.get("PDF_FONT_PROFILE", "app"), app.instance_path)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from arbitration import models  # noqa: F401  (register every table)
    from arbitration import web
    from arbitration.db import db
    from arbitration.extensions import babel, csrf, login_manager, migrate
    from arbitration.i18n import bind_translations, select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    bind_translations(app)
    _init_login(app, login_manager)
    web.install(app)

    _register_features()

    _register_blueprints(app)
    if app.config["TESTING_HOOKS"]:
        from arbitration.testing_hooks import bp as testing_bp

        csrf.exempt(testing_bp)
        app.register_blueprint(testing_bp)

    from arbitration.cli import register as register_cli

    register_cli(app)

    from arbitration.jobs import queue

    queue.init_app(app)
    return app


def _register_features() -> None:
    """The modules that fill the lower layers' hooks and registries (deadline consequences, page parts,
    listeners): imported here, so that every process (web, worker, CLI) has all of them."""
    from arbitration.cases import enforcement, timers as case_timers  # noqa: F401
    from arbitration.deadlines import recompute  # noqa: F401
    from arbitration.notifications import listeners  # noqa: F401
    from arbitration.oversight import anchoring, rollups  # noqa: F401  (rollups: the statistics kept current)
    from arbitration.orders import arrivals, timers as order_timers  # noqa: F401
    from arbitration.rulings import timers as ruling_timers  # noqa: F401
    from arbitration.search import extract, index as search_index  # noqa: F401  (the search index kept current)
    from arbitration.library import jobs as library_jobs  # noqa: F401  (final decisions published every minute)


def _register_blueprints(app: Flask) -> None:
    from arbitration.admin import api_clients, bp as admin_bp, views as admin_views  # noqa: F401  (routes on bp)
    from arbitration.api.views import bp as api_bp
    from arbitration.feed import views as feed_views  # noqa: F401  (the open feed's routes on the API blueprint)
    from arbitration.auth.views import bp as auth_bp
    from arbitration.notifications.views import bp as notifications_bp
    from arbitration.cases.views import bp as cases_bp
    from arbitration.evidence.views import bp as evidence_bp
    from arbitration.home.views import bp as home_bp
    from arbitration.law.views import bp as law_bp
    from arbitration.oversight.views import bp as oversight_bp
    from arbitration.rulings import draft_views  # noqa: F401  (routes on the rulings blueprint)
    from arbitration.rulings.views import bp as rulings_bp
    from arbitration.search.views import bp as search_bp
    from arbitration.precedents.views import bp as precedents_bp
    from arbitration.consistency.views import bp as consistency_bp
    from arbitration.library.views import bp as library_bp
    from arbitration.admin.merchants import bp as merchants_bp
    from arbitration.orders.merchant_views import bp as merchant_bp
    from arbitration.orders.views import bp as orders_bp

    for bp in (auth_bp, home_bp, admin_bp, merchants_bp, orders_bp, merchant_bp, evidence_bp, cases_bp,
               notifications_bp, law_bp, rulings_bp, oversight_bp, api_bp, search_bp,
               precedents_bp, consistency_bp, library_bp):
        app.register_blueprint(bp)


def _init_login(app: Flask, login_manager) -> None:
    from flask_babel import lazy_gettext

    from arbitration.auth.services import load_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
