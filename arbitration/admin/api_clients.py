"""Admin pages for the platform API's clients: create (the token shown once) and revoke; a client's webhook
address, events and rate limit; its signing secret (shown once after each rotation); its webhook deliveries with
every attempt, and replay."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from arbitration.admin.forms import ApiClientForm, WebhookForm
from arbitration.admin import bp
from arbitration.api import services as api
from arbitration.api import webhooks
from arbitration.auth.permissions import can_manage_users, require
from arbitration.errors import DomainError
from arbitration.forms import PlainForm
from arbitration.web import refuse


@bp.route("/api-clients", methods=["GET", "POST"])
@require(can_manage_users)
def api_clients():
    """Clients of the platform API: a new client's token is shown once, here, and kept only as a hash."""
    form, token, created = ApiClientForm(), None, None
    if form.validate_on_submit():
        try:
            created, token = api.create_client(current_user, name=form.name.data or "",
                                               scopes=request.form.getlist("scopes"))
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("API client %(name)s created. Copy its token now: it is not shown again.", name=created.name),
                  "success")
    status = 400 if request.method == "POST" and token is None else 200
    return render_template("admin/api_clients.html", form=form, token=token, created=created,
                           clients=api.all_clients(), scopes=api.SCOPES, plain=PlainForm()), status


def _plain_post() -> None:
    if not PlainForm().validate_on_submit():
        abort(400)


@bp.route("/api-clients/<int:client_id>/revoke", methods=["POST"])
@require(can_manage_users)
def revoke_api_client(client_id: int):
    _plain_post()
    try:
        api.revoke_client(current_user, client_id)
    except DomainError as err:
        refuse(err)
        abort(err.status)
    flash(_("The token is revoked: the client can no longer call the API."), "success")
    return redirect(url_for("admin.api_clients"))


@bp.route("/api-clients/<int:client_id>", methods=["GET", "POST"])
@require(can_manage_users)
def api_client(client_id: int):
    client = api.get_client(client_id)
    form = WebhookForm(obj=None if request.method == "POST" else client,
                       rate_limit=client.rate_limit_per_minute)
    status = 200
    if form.validate_on_submit():
        try:
            api.set_webhooks(current_user, client, url=form.webhook_url.data or "",
                             events=request.form.getlist("events"), rate_limit=form.rate_limit.data)
        except DomainError as err:
            refuse(err, form)
            status = 400
        else:
            flash(_("The client's webhooks are saved."), "success")
            return redirect(url_for("admin.api_client", client_id=client.id))
    elif request.method == "POST":
        status = 400
    return _client_page(client, form), status


def _client_page(client, form: WebhookForm, secret: str | None = None):
    """The client's page; `secret` is shown once, right after it was made."""
    deliveries = webhooks.deliveries_of(client.id)
    return render_template("admin/api_client.html", client=client, form=form, events=webhooks.EVENT_TYPES,
                           deliveries=deliveries, attempts=webhooks.attempts_of([d.id for d in deliveries]),
                           outcome=webhooks.attempt_outcome, plain=PlainForm(), secret=secret)


@bp.route("/api-clients/<int:client_id>/rotate-secret", methods=["POST"])
@require(can_manage_users)
def rotate_api_secret(client_id: int):
    _plain_post()
    client = api.get_client(client_id)
    secret = api.rotate_secret(current_user, client)
    flash(_("A new signing secret is made. Copy it now: it is not shown again."), "success")
    return _client_page(client, WebhookForm(obj=client, rate_limit=client.rate_limit_per_minute), secret)


@bp.route("/api-clients/<int:client_id>/deliveries/<int:delivery_id>/replay", methods=["POST"])
@require(can_manage_users)
def replay_webhook(client_id: int, delivery_id: int):
    _plain_post()
    delivery = webhooks.get_delivery(client_id, delivery_id)
    webhooks.replay(current_user, delivery)
    flash(_("The delivery is sent again; its attempt is listed below."), "success")
    return redirect(url_for("admin.api_client", client_id=client_id))
