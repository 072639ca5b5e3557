"""Nothing a party must do is further than the first screen: for every role that may read a case, in every stage
a case can be in (the demo's cases, tests/browser/seed.py), on a 375×812 phone and a 1280×800 screen, the case
page's "now" panel starts on the first screen and its main button ends on it, without scrolling."""
from __future__ import annotations

import pytest

SCREENS = {"phone": (375, 812), "desktop": (1280, 800)}
# who looks at each case: the parties (the buyer, the agent's staff), its arbitrator, and the read-only staff
ROLES = ("buyer", "merchant_b", "arbitrator", "supervisor", "support", "regulator")
MAIN_BUTTON = "#now :is(button, a.button):visible"


def people(role: str, stages: dict[str, list]) -> dict[str, list[tuple[str, str]]]:
    """username -> [(stage, case number)] this role looks at (each case's own arbitrator, when it has one)."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for stage, (number, arbitrator) in stages.items():
        username = arbitrator if role == "arbitrator" else role
        if username:
            seen.setdefault(username, []).append((stage, number))
    return seen


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("role", ROLES)
def test_the_now_panel_and_its_main_button_are_on_the_first_screen_in_every_stage(login, server, screenshots,
                                                                                  role, screen):
    width, height = SCREENS[screen]
    stages = server.orders["stages"]
    misses, looked = [], 0
    for username, cases in people(role, stages).items():
        page = login(username, width=width, height=height)
        for stage, number in cases:
            page.goto(f"/cases/{number}")
            page.wait_for_load_state("load")
            assert page.evaluate("window.scrollY") == 0
            page.screenshot(path=str(screenshots / f"first-screen-{role}-{stage}-{screen}.png"))
            panel = page.locator("#now")
            assert panel.count() == 1, f"{username} on {stage}: no 'now' panel"
            top = panel.bounding_box()["y"]
            headline = page.locator("#now-title").bounding_box()
            if top >= height or headline["y"] + headline["height"] > height:
                misses.append(f"{stage}: the panel starts at {top:.0f} px")
            button = page.locator(MAIN_BUTTON).first
            if button.count():
                box = button.bounding_box()
                if box["y"] + box["height"] > height:
                    misses.append(f"{stage}: '{button.inner_text().strip()}' ends at {box['y'] + box['height']:.0f} px")
            looked += 1
    # every stage; an arbitrator, the stages from the first assignment (the evidence stage) to the ruling's round
    expected = 6 if role == "arbitrator" else len(stages)
    assert looked == expected, f"{role} looked at {looked} of {len(stages)} stages"
    assert not misses, f"{role} at {width}×{height}: " + "; ".join(misses)
