"""A user without an account (an operator, who works in Django admin) is refused the same way on
every account page and endpoint: 403 naming why, never another account's data and never a 404 on
some pages and a 403 on others (one `console.accounts.account_of`)."""

import pytest

from tests.conftest import PASSWORD, api_client_for
from workspaces.models import User

API = ["/api/v1/users/", "/api/v1/policies/", "/api/v1/audit-log/", "/api/v1/contacts/", "/api/v1/quotas/",
       "/api/v1/usage/", "/api/v1/eventbridge/"]
PAGES = ["/account/users/", "/account/policies/", "/account/audit/", "/account/usage/"]


@pytest.fixture
def operator(db):
    return User.objects.create_user(username="ops", password=PASSWORD, is_staff=True)


@pytest.mark.parametrize("path", API)
def test_the_api_refuses_an_operator_with_403_naming_why(operator, path):
    response = api_client_for(operator).get(path)
    assert response.status_code == 403, path
    assert response.json()["error"]["message"] == "Your user belongs to no account; operators use Django admin."


@pytest.mark.parametrize("path", PAGES)
def test_the_console_refuses_an_operator_with_403(client, operator, path):
    client.force_login(operator)
    assert client.get(path).status_code == 403
