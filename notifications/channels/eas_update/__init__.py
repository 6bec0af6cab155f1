"""EAS service update: an approved model version switches a running EAS service, through the port
the workspaces app provides (`port.py`)."""

from notifications.catalog import MODEL_INTEGRATION, type_key
from notifications.channels.spec import Channel, DeliveryMethod

from .adapter import EasUpdateAdapter
from .schema import EasUpdateConfig

# Not replayed: a replayed approval would switch the service back to an old version.
METHOD = DeliveryMethod("eas_update", "EAS service update", EasUpdateConfig, MODEL_INTEGRATION, replayable=False)
CHANNELS = (Channel("eas_update", "EAS service update", "eas", EasUpdateAdapter, method="eas_update",
                    fake="fake_eas_api", event_types=(type_key("model", "ModelVersionApproved"),)),)
