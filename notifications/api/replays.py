"""/api/v1/workspaces/<workspace_id>/replays/: replay a time window of the bus's events (create, list,
read, cancel). Thin faces over notifications.services.replay."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import Conflict
from console.api import serializers as api_serializers
from console.api.errors import errors
from notifications import catalog
from notifications.api.rules import validated
from notifications.models import ReplayJob
from notifications.services.replay import (
    ReplayBusy,
    ReplayRefused,
    replay_cancel,
    replay_delivered,
    replay_get,
    replay_list,
    replay_start,
)
from workspaces.tenancy.selectors import workspace_get_for_user

FIELD_OF = {"window": "start", "source": "source", "event_types": "event_types", "rule": "rule_id"}


class ReplayInputSerializer(api_serializers.Serializer):
    start = serializers.DateTimeField(help_text="Events created at or after this time (ISO 8601).")
    end = serializers.DateTimeField(required=False, allow_null=True,
                                    help_text="Events created before this time (ISO 8601); default: now.")
    source = serializers.ChoiceField(choices=catalog.SOURCE_CHOICES, required=False, allow_blank=True,
                                     help_text="Only this event source's events; empty: every source.")
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=catalog.EVENT_TYPE_CHOICES),
                                        required=False, max_length=200,
                                        help_text="Only these event types; empty: every type.")
    rule_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62,
                                       help_text="Replay to this enabled rule only; empty: every enabled rule.")


class ReplaySerializer(api_serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ReplayJob.State.choices)
    start = serializers.DateTimeField(source="window_start")
    end = serializers.DateTimeField(source="window_end")
    source = serializers.ChoiceField(choices=catalog.SOURCE_CHOICES, allow_blank=True, help_text="Empty: every source.")
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=catalog.EVENT_TYPE_CHOICES),
                                        help_text="Empty: every type.")
    rule_id = serializers.IntegerField(allow_null=True, help_text="Null: every enabled rule of the bus.")
    matched = serializers.IntegerField(help_text="Events in the window when the replay was created.")
    done = serializers.IntegerField(help_text="Of those, how many were replayed so far.")
    deliveries_created = serializers.IntegerField(help_text="New deliveries the replay created.")
    delivered = serializers.IntegerField(help_text="Of those, how many succeeded so far.")
    error = serializers.CharField(allow_blank=True, help_text="Why a failed replay failed.")
    requested_by = serializers.CharField(allow_null=True, help_text="Who started it.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


def replay_data(job: ReplayJob) -> dict:
    return ReplaySerializer({
        "id": job.pk, "state": job.state, "window_start": job.window_start, "window_end": job.window_end,
        "source": job.source, "event_types": job.event_types, "rule_id": job.rule_id, "matched": job.matched,
        "done": job.done, "deliveries_created": job.deliveries_created, "delivered": replay_delivered(job),
        "error": job.error, "requested_by": job.requested_by.username if job.requested_by_id else None,
        "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at}).data


def _busy(exc: ReplayBusy) -> Conflict:
    conflict = Conflict(str(exc), current=exc.current.state, allowed=[])
    conflict.extra["job_id"] = exc.current.pk
    return conflict


class ReplayListCreateView(generics.ListAPIView):
    serializer_class = ReplaySerializer

    def get_queryset(self):
        workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        return replay_list(actor=self.request.user, workspace=workspace)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([replay_data(job) for job in page])

    @extend_schema(summary="List replays, newest first",
                   description="The workspace's replays: their window, filters and rule, state and progress, "
                               "and who started them.", responses={200: ReplaySerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Replay a time window of the bus's events",
                   description="The published events of the window (of one source and some types, when given) "
                               "are sent again to every enabled rule of the bus, or to one rule, as new deliveries "
                               "that keep the original event id (HTTP: the CloudEvents attribute `replayjobid` "
                               "says it is a replay). The original deliveries are not touched; the new ones are "
                               "billed like any. Runs in the background: poll the replay for its progress. One "
                               "replay per bus at a time (409 names the current one, `job_id`); at most "
                               "REPLAY_MAX_EVENTS events (400 names the count). Events older than the retention "
                               "period are gone.",
                   request=ReplayInputSerializer, responses={202: ReplaySerializer, **errors(400, 404, 409)})
    def post(self, request, workspace_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        replay_start.authorize(request.user, workspace=workspace)  # before reading the input
        data = validated(ReplayInputSerializer, request.data)
        try:
            job = replay_start(actor=request.user, workspace=workspace, start=data["start"], end=data.get("end"),
                               source=data.get("source") or "", event_types=data.get("event_types") or [],
                               rule_id=data.get("rule_id"))
        except ReplayRefused as exc:
            raise serializers.ValidationError({FIELD_OF.get(exc.field, "start"): [str(exc)]}) from None
        except ReplayBusy as exc:
            raise _busy(exc) from None
        return Response(replay_data(job), status=status.HTTP_202_ACCEPTED)


def _job(request, workspace_id, replay_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    try:
        return workspace, replay_get(actor=request.user, workspace=workspace, job_id=replay_id)
    except ReplayJob.DoesNotExist:
        raise Http404("No such replay") from None


class ReplayDetailView(APIView):
    @extend_schema(summary="A replay and its progress",
                   description="Its window, filters and rule, its state, how many of the window's events were "
                               "replayed and how many of its deliveries succeeded.",
                   responses={200: ReplaySerializer, **errors(404)})
    def get(self, request, workspace_id, replay_id):
        return Response(replay_data(_job(request, workspace_id, replay_id)[1]))


class ReplayCancelView(APIView):
    @extend_schema(summary="Cancel a replay",
                   description="A queued or running replay stops before its next chunk of events; the deliveries "
                               "it already created are sent as any other. A replay that ended answers 409.",
                   request=None, responses={200: ReplaySerializer, **errors(404, 409)})
    def post(self, request, workspace_id, replay_id):
        workspace, job = _job(request, workspace_id, replay_id)
        try:
            job = replay_cancel(actor=request.user, workspace=workspace, job_id=job.pk)
        except ReplayRefused as exc:
            raise Conflict(str(exc), current=job.state,
                           allowed=[ReplayJob.State.QUEUED, ReplayJob.State.RUNNING]) from None
        return Response(replay_data(job))
