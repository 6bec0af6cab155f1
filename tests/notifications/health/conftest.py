# The health tests send deliveries as the delivery tests do: through their queues, one by one.
from tests.notifications.delivery.conftest import _deliveries_through_their_queues  # noqa: F401
