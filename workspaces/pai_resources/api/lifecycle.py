"""DLC jobs, DSW instances and Designer flow tasks over the API: create, read, and move through their
lifecycle (`POST .../status/` with the state to enter). A move the current state does not allow is
409 naming both states."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.serializers import state_field
from workspaces.models import DlcJob, DswInstance, FlowTask
from workspaces.pai_resources.selectors import (
    dlc_job_get,
    dlc_jobs_list,
    dsw_instance_get,
    dsw_instances_list,
    flow_task_get,
    flow_tasks_list,
)
from workspaces.pai_resources.services import dlc, dsw, flow

from .common import ResourceSerializer, WorkspaceScoped, state_change
from .generic import change_view, detail_view, list_view


class DlcJobSerializer(ResourceSerializer):
    status = state_field(DlcJob.Status.values)

    class Meta:
        model = DlcJob
        fields = ["id", "workspace_id", "name", "status", "timeout_minutes", "running_since", "timeout_raised_at",
                  "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class DswInstanceSerializer(ResourceSerializer):
    status = state_field(DswInstance.Status.values)
    image_status = state_field(DswInstance.ImageStatus.values)

    class Meta:
        model = DswInstance
        fields = ["id", "workspace_id", "name", "status", "image_status", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class FlowTaskSerializer(ResourceSerializer):
    status = state_field(FlowTask.Status.values)

    class Meta:
        model = FlowTask
        fields = ["id", "workspace_id", "name", "status", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class NameSerializer(api_serializers.Serializer):
    name = serializers.CharField(max_length=128)


class DlcJobCreateSerializer(NameSerializer):
    timeout_minutes = serializers.IntegerField(min_value=1, max_value=dlc.MAX_TIMEOUT_MINUTES, required=False,
                                               allow_null=True, default=None)


class DlcSchedulingSerializer(api_serializers.Serializer):
    timeout_minutes = serializers.IntegerField(min_value=1, max_value=dlc.MAX_TIMEOUT_MINUTES, allow_null=True,
                                               help_text="Minutes of running before Job Timeout; null: none.")


class FlowTaskCreateSerializer(NameSerializer):
    run = serializers.BooleanField(default=True, help_text="Start the task at once (Running).")


class DlcStatusSerializer(api_serializers.Serializer):
    status = serializers.ChoiceField(choices=list(dlc.ACTIONS))


class DswStatusSerializer(api_serializers.Serializer):
    status = serializers.ChoiceField(choices=list(dsw.ACTIONS))


class DswImageSerializer(api_serializers.Serializer):
    image_status = serializers.ChoiceField(choices=list(dsw.IMAGE_ACTIONS))


class FlowStatusSerializer(api_serializers.Serializer):
    status = serializers.ChoiceField(choices=list(flow.ACTIONS))


DlcJobListView = list_view("DlcJobListView", DlcJobSerializer, dlc_jobs_list, DlcJobCreateSerializer,
                            dlc.dlc_job_create, dlc.dlc_job_create_authorize, "DLC job")
DlcJobDetailView = detail_view("DlcJobDetailView", DlcJobSerializer, dlc_job_get, "job_id", "DLC job")
DlcJobStatusView = change_view("DlcJobStatusView", DlcJobSerializer, dlc_job_get, "job_id", DlcStatusSerializer,
                                "status", dlc.dlc_job_set_status, "job",
                                "Move a DLC job through its lifecycle (raises the state's event)")
DswInstanceListView = list_view("DswInstanceListView", DswInstanceSerializer, dsw_instances_list, NameSerializer,
                                 dsw.dsw_instance_create, dsw.dsw_instance_create_authorize, "DSW instance")
DswInstanceDetailView = detail_view("DswInstanceDetailView", DswInstanceSerializer, dsw_instance_get, "instance_id",
                                     "DSW instance")
DswInstanceStatusView = change_view("DswInstanceStatusView", DswInstanceSerializer, dsw_instance_get, "instance_id",
                                     DswStatusSerializer, "status", dsw.dsw_instance_set_status, "instance",
                                     "Move a DSW instance through its lifecycle (raises the state's event)")
DswImageView = change_view("DswImageView", DswInstanceSerializer, dsw_instance_get, "instance_id",
                            DswImageSerializer, "image_status", dsw.dsw_image_set_status, "instance",
                            "Save a DSW instance's image, or finish saving it")
FlowTaskListView = list_view("FlowTaskListView", FlowTaskSerializer, flow_tasks_list, FlowTaskCreateSerializer,
                              flow.flow_task_create, flow.flow_task_create_authorize, "flow task")
FlowTaskDetailView = detail_view("FlowTaskDetailView", FlowTaskSerializer, flow_task_get, "task_id", "flow task")
FlowTaskStatusView = change_view("FlowTaskStatusView", FlowTaskSerializer, flow_task_get, "task_id",
                                  FlowStatusSerializer, "status", flow.flow_task_set_status, "task",
                                  "Run a flow task, or finish it (Succeeded or Failed)")


class DlcSchedulingView(WorkspaceScoped, APIView):
    @extend_schema(summary="Change a DLC job's scheduling settings (its timeout)", request=DlcSchedulingSerializer,
                   description="A job that has finished is 409; a running job past its new timeout raises Job "
                               "Timeout at the next check.",
                   responses={200: DlcJobSerializer, **errors(400, 404, 409)})
    def put(self, request, workspace_id, job_id):
        job = dlc_job_get(workspace=self.workspace, actor=request.user, job_id=job_id)
        data = DlcSchedulingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        state_change(lambda: dlc.dlc_job_set_timeout(job=job, timeout_minutes=data.validated_data["timeout_minutes"],
                                                     actor=request.user))
        return Response(DlcJobSerializer(job).data)
