"""The case list stays one small page when the platform is large: thousands of merchants get a number field
instead of a list of every merchant, and only those who may reassign get the list of arbitrators."""
from __future__ import annotations

import re

from arbitration.cases import views
from arbitration.merchants.models import Merchant
from tests.conftest import client_of


def test_a_short_merchant_list_is_a_choice(app, session, personas):
    page = client_of(app, "supervisor").get("/cases").get_data(as_text=True)
    assert '<select name="merchant_id">' in page and 'type="number" name="merchant_id"' not in page


def test_many_merchants_are_filtered_by_number_and_the_chosen_one_is_named(app, session, personas, monkeypatch):
    monkeypatch.setattr(views, "MERCHANT_CHOICES", 1)
    merchant = session.get(Merchant, personas["merchant"].merchant_id)
    client = client_of(app, "supervisor")
    page = client.get("/cases").get_data(as_text=True)
    assert 'type="number" name="merchant_id"' in page and '<select name="merchant_id">' not in page
    page = client.get(f"/cases?merchant_id={merchant.id}").get_data(as_text=True)
    assert re.search(rf'name="merchant_id" min="1" value="{merchant.id}"', page) and merchant.name in page
