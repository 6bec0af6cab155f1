import pytest


@pytest.fixture(autouse=True)
def _deliveries_through_their_queues(request, settings):
    """These tests route an event and then send its deliveries one by one through `delivery_send`,
    the channel-queue path: routing sends nothing itself here. The inline path (the routing task
    sending a few chat/HTTP deliveries itself) is tested in test_inline_sends.py, which opts out
    with the `inline_sends` marker."""
    if request.node.get_closest_marker("inline_sends") is None:
        settings.DELIVERY_INLINE_MAX = 0
