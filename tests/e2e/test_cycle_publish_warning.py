"""The wizard's publish step warns the housing bureau, next to the button, when the computed
result rates no provider (RatingCycle.publish refuses such a result: the user learns it before
pressing the button), in Chinese and in English under ?lang=en; a result that rates a provider
has no warning. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.e2e.forms_support import form_key
from tests.e2e.test_cycle_wizard import CYCLE, HB, TODAY, scores, status, step, web  # noqa: F401  (the fixture)
from tests.e2e.test_empty_publication import ZH as REFUSED, computed_with_no_provider_rated

WARNING = "计算结果中没有企业获评星级，空结果不能公布，公布将被拒绝。"
WARNING_EN = "The computed result rates no provider: an empty result is not published"


def button_area(html: str) -> str:
    """The publish form's last lines: the warning belongs right before its button."""
    form = html.split(f'action="{CYCLE}/publication"', 1)[1].split("</form>", 1)[0]
    return form[-500:]


def test_the_publish_step_warns_next_to_the_button_when_the_result_rates_no_provider(web) -> None:
    computed_with_no_provider_rated(web, one_department=True)
    wizard = web.get(CYCLE, headers=HB).text
    area = button_area(wizard)
    assert WARNING in area and 'role="alert"' in area and 'aria-describedby="cycle_publish-warning"' in area
    assert area.index(WARNING) < area.index("<button")
    assert WARNING in button_area(web.get(f"{CYCLE}/publication", headers=HB).text)  # the step's own page too
    english = button_area(web.get(f"{CYCLE}?lang=en", headers=HB).text)
    assert WARNING_EN in english and WARNING not in english
    assert WARNING_EN in button_area(web.get(f"{CYCLE}/publication?lang=en", headers=HB).text)


def test_the_warning_stays_next_to_the_refusal_after_pressing_the_button(web) -> None:
    computed_with_no_provider_rated(web, one_department=False)
    key = form_key(web.get(f"{CYCLE}/publication", headers=HB).text)
    page = web.post(f"{CYCLE}/publication", data={"form_key": key, "occurred_on": TODAY.isoformat()},
                    headers=HB, follow_redirects=False)
    assert page.status_code == 409 and REFUSED in page.text and WARNING in button_area(page.text)
    assert status(web)["status"] == "computed" and status(web)["publications"] == 0


def test_the_publish_step_has_no_warning_when_a_provider_is_rated(web) -> None:
    step(web, "open", period_start="2024-01-01", period_end="2024-12-31", occurred_on="2024-01-06")
    scores(web)
    step(web, "close", occurred_on="2025-01-05")
    step(web, "result", occurred_on="2025-01-06")
    for url in (CYCLE, f"{CYCLE}/publication", f"{CYCLE}?lang=en"):
        html = web.get(url, headers=HB).text
        assert f'action="{CYCLE}/publication"' in html and 'role="alert"' not in button_area(html), url
        assert WARNING not in html and WARNING_EN not in html
    step(web, "publication", occurred_on=TODAY.isoformat())
    assert status(web)["publications"] == 1
