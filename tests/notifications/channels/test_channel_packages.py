"""A channel is one package: `notifications/channels/<key>/` declares its method and channels, holds
their schema and adapter, and names the fake that plays its receiver; its queue is one the workers
consume. The registry's list of packages is the only other line. These fail when a registered
channel lacks a part, a route or a fake, and when a package under notifications/channels/ is not
registered."""

from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings

from console.celery import app
from notifications.api.rules import CONFIG_HELP
from notifications.channels import registry
from notifications.channels.base import ChannelAdapter
from notifications.channels.schema import ConfigSchema, SchemaContext

CHANNELS_DIR = Path(registry.__file__).parent
CHANNEL_KEYS = [channel.key for channel in registry.CHANNELS]
METHOD_KEYS = [method.key for method in registry.METHODS]


def _package_of(cls) -> str:
    return cls.__module__.rsplit(".", 1)[0]


def test_every_package_under_channels_is_registered_and_every_registered_one_is_a_package():
    on_disk = {path.parent.name for path in CHANNELS_DIR.glob("*/__init__.py")}
    registered = {package.__name__.rsplit(".", 1)[1] for package in registry.PACKAGES}
    assert on_disk == registered
    assert set(CHANNEL_KEYS) | set(METHOD_KEYS) == registered  # a package is named for what it declares


@pytest.mark.parametrize("key", CHANNEL_KEYS)
def test_a_channel_has_its_adapter_in_its_own_package(key):
    channel = registry.get_channel(key)
    assert issubclass(channel.adapter_class, ChannelAdapter)
    assert _package_of(channel.adapter_class) == f"notifications.channels.{key}"
    assert (CHANNELS_DIR / key / "adapter.py").is_file()
    assert channel.adapter.key == key  # what attempts and rate-limit keys are recorded under
    assert channel.method in METHOD_KEYS


@pytest.mark.parametrize("key", METHOD_KEYS)
def test_a_method_has_its_schema_in_its_own_package_and_its_fields_in_the_api_help(key):
    method = registry.get_method(key)
    assert issubclass(method.schema, ConfigSchema) and method.schema.fields
    assert _package_of(method.schema) == f"notifications.channels.{key}"
    assert (CHANNELS_DIR / key / "schema.py").is_file()
    assert f"{key}: {method.schema.fields_help()}" in CONFIG_HELP
    assert any(channel.method == key for channel in registry.CHANNELS), "a method nobody sends through"
    assert method.sources, "no event source allows this method's kind"


@pytest.mark.parametrize("key", METHOD_KEYS)
def test_every_picker_of_a_schema_offers_its_own_choices(key, activated_workspace):
    schema = registry.get_method(key).schema()
    context = SchemaContext(account=activated_workspace.account, workspace=activated_workspace)
    for config_field in schema.fields:
        choices = schema.choices(config_field.name, context=context)
        assert isinstance(choices, list), config_field.name
        assert not (config_field.multiple and not config_field.picks), config_field.name


@pytest.mark.parametrize("key", CHANNEL_KEYS)
def test_a_channel_queue_is_one_the_workers_consume_and_the_deliver_task_reaches_it(key):
    queue = registry.get_channel(key).queue
    assert queue in settings.CELERY_QUEUE_NAMES
    assert app.amqp.router.route({"queue": queue}, "notifications.tasks.deliver")["queue"].name == queue


@pytest.mark.parametrize("key", CHANNEL_KEYS)
def test_a_channel_names_the_fake_that_plays_its_receiver_and_the_fake_starts(key, request):
    channel = registry.get_channel(key)
    assert channel.fake, "name the pytest fixture that plays this channel's receiver"
    assert request.getfixturevalue(channel.fake) is not None


def test_the_deliver_task_is_the_one_task_for_every_channel():
    tasks = import_module("notifications.tasks")
    assert tasks.deliver.name == "notifications.tasks.deliver"
    assert not [name for name in dir(tasks) if name.startswith("deliver_")]
