"""API of the simulated PAI resources, under /api/v1/workspaces/<workspace_id>/."""

from django.urls import path

from workspaces.pai_resources.api import eas, lifecycle
from workspaces.pai_resources.api import model_registry as models

W = "workspaces/<int:workspace_id>"

urlpatterns = [
    path(f"{W}/models/", models.ModelListView.as_view(), name="api-model-list"),
    path(f"{W}/models/<int:model_id>/", models.ModelDetailView.as_view(), name="api-model-detail"),
    path(f"{W}/models/<int:model_id>/versions/", models.ModelVersionListView.as_view(), name="api-model-version-list"),
    path(f"{W}/models/<int:model_id>/versions/<int:version_id>/", models.ModelVersionDetailView.as_view(),
         name="api-model-version-detail"),
    path(f"{W}/eas-services/", eas.EasServiceListView.as_view(), name="api-eas-service-list"),
    path(f"{W}/eas-services/<int:service_id>/", eas.EasServiceDetailView.as_view(), name="api-eas-service-detail"),
    path(f"{W}/eas-services/<int:service_id>/switch-version/", eas.EasSwitchVersionView.as_view(),
         name="api-eas-service-switch-version"),
    path(f"{W}/eas-services/<int:service_id>/status/", eas.EasStatusView.as_view(), name="api-eas-service-status"),
    path(f"{W}/dlc-jobs/", lifecycle.DlcJobListView.as_view(), name="api-dlc-job-list"),
    path(f"{W}/dlc-jobs/<int:job_id>/", lifecycle.DlcJobDetailView.as_view(), name="api-dlc-job-detail"),
    path(f"{W}/dlc-jobs/<int:job_id>/status/", lifecycle.DlcJobStatusView.as_view(), name="api-dlc-job-status"),
    path(f"{W}/dlc-jobs/<int:job_id>/scheduling/", lifecycle.DlcSchedulingView.as_view(),
         name="api-dlc-job-scheduling"),
    path(f"{W}/dsw-instances/", lifecycle.DswInstanceListView.as_view(), name="api-dsw-instance-list"),
    path(f"{W}/dsw-instances/<int:instance_id>/", lifecycle.DswInstanceDetailView.as_view(),
         name="api-dsw-instance-detail"),
    path(f"{W}/dsw-instances/<int:instance_id>/status/", lifecycle.DswInstanceStatusView.as_view(),
         name="api-dsw-instance-status"),
    path(f"{W}/dsw-instances/<int:instance_id>/image/", lifecycle.DswImageView.as_view(),
         name="api-dsw-instance-image"),
    path(f"{W}/flow-tasks/", lifecycle.FlowTaskListView.as_view(), name="api-flow-task-list"),
    path(f"{W}/flow-tasks/<int:task_id>/", lifecycle.FlowTaskDetailView.as_view(), name="api-flow-task-detail"),
    path(f"{W}/flow-tasks/<int:task_id>/status/", lifecycle.FlowTaskStatusView.as_view(),
         name="api-flow-task-status"),
]
