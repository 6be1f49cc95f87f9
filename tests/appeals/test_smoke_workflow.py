from fahndung.appeals import services
from fahndung.appeals.choices import Status


def test_submit_approve_publishes(appeal, investigator, press):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    result = services.appeal_approve(actor=press, appeal_id=appeal.pk)
    assert result.status == Status.PUBLISHED
    assert list(result.events.values_list("action", flat=True)) == ["submit", "approve", "publish"]
