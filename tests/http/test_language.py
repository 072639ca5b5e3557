"""Chinese by default; English on request, remembered per user."""
from __future__ import annotations

from tests.conftest import login


def test_an_anonymous_visitor_can_switch_to_english_for_the_session(client):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page


def test_a_users_choice_is_remembered_across_logins(app, client, session, personas):
    login(client, "buyer")
    client.post("/language", data={"lang": "en"})
    client.post("/logout")
    fresh = app.test_client()  # another browser: no session language
    login(fresh, "buyer")
    page = fresh.get("/").get_data(as_text=True)
    assert "Waiting for you" in page
    session.refresh(personas["buyer"])
    assert personas["buyer"].locale == "en"


def test_an_unknown_language_is_refused_and_changes_nothing(client, personas):
    login(client, "buyer")
    response = client.post("/language", data={"lang": "fr"})
    assert response.status_code == 400
    assert "待我处理" in client.get("/").get_data(as_text=True)


def test_error_pages_speak_the_users_language(client, personas):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "页面或记录不存在" in response.get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    page = client.get("/no/such/page").get_data(as_text=True)
    assert "Not found" in page
