"""What the page says about Test Connectivity is what happens: a real test message to a (fake) WeCom
bot leaves the month's figures untouched, on the page and in the API."""

import re

import pytest

from notifications.services.connectivity import connectivity_test
from notifications.services.usage import usage_record


@pytest.mark.django_db
def test_a_test_connectivity_message_is_sent_but_not_counted_as_the_page_and_api_say(
    fake_wecom, owner, activated_workspace, owner_client, owner_api
):
    usage_record(account_id=owner.account_id, count=4)  # four real notifications this month
    bot = fake_wecom.add_bot()

    result = connectivity_test(actor=owner, workspace=activated_workspace, method="wecom", config={},
                               secrets={"webhook": bot.webhook})

    html = owner_client.get("/account/usage/").content.decode()
    api = owner_api.get("/api/v1/usage/").json()
    assert result.ok and len(fake_wecom.requests) == 1
    assert re.search(r'data-testid="usage-sent" data-value="(\d+)"', html)[1] == "4"
    assert "Test Connectivity messages are not counted." in html
    assert (api["sent"], api["test_connectivity_counted"]) == (4, False)
