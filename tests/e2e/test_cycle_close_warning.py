"""The wizard's close step warns the housing bureau, next to the button, when no department
has scored yet (closing is still allowed: a warning, not a rule); once a score is in, the
warning is gone. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.e2e.test_cycle_wizard import CA, CYCLE, HB, USCC, ok, post, step, web  # noqa: F401  (the fixture)

WARNING = "尚未收到任何部门评分，截止后将无法补录"


def button_area(html: str) -> str:
    """The close form's last lines: the warning belongs right before its button."""
    form = html.split(f'action="{CYCLE}/close"', 1)[1].split("</form>", 1)[0]
    return form[-400:]


def test_the_close_step_warns_next_to_the_button_when_no_department_has_scored(web) -> None:
    step(web, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    wizard = web.get(CYCLE, headers=HB).text
    assert WARNING in button_area(wizard) and 'role="alert"' in button_area(wizard)
    assert WARNING in button_area(web.get(f"{CYCLE}/close", headers=HB).text)  # the step's own page too
    english = web.get(f"{CYCLE}?lang=en", headers=HB).text
    assert "No department score has been received yet" in button_area(english)
    step(web, "close", occurred_on="2025-01-05")  # still allowed
    assert ok(web.get("/api/v1/cycles/RC-2024", headers=HB), 200)["status"] == "closed"


def test_the_close_step_has_no_warning_once_a_department_has_scored(web) -> None:
    step(web, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    ok(post(web, "/cycles/RC-2024/scores", {"subject_kind": "provider", "subject": USCC, "department": "civil_affairs",
                                            "score": 88, "occurred_on": "2024-12-01"}, CA))
    html = web.get(CYCLE, headers=HB).text
    assert f'action="{CYCLE}/close"' in html and WARNING not in html
