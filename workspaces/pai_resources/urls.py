"""Console pages of the simulated PAI resources (section 3 of PRODUCT.md)."""

from django.urls import path

from workspaces.pai_resources.views import dlc as resources_dlc
from workspaces.pai_resources.views import dsw as resources_dsw
from workspaces.pai_resources.views import eas as resources_eas
from workspaces.pai_resources.views import flow as resources_flow
from workspaces.pai_resources.views import model_registry as resources_models

W = "workspaces/<int:workspace_id>"

urlpatterns = [
    path(f"{W}/models/", resources_models.model_list, name="model-list"),
    path(f"{W}/models/<int:model_id>/", resources_models.model_detail, name="model-detail"),
    path(f"{W}/models/<int:model_id>/versions/<int:version_id>/status/", resources_models.model_version_status,
         name="model-version-status"),
    path(f"{W}/eas-services/", resources_eas.eas_service_list, name="eas-service-list"),
    path(f"{W}/eas-services/<int:service_id>/", resources_eas.eas_service_detail, name="eas-service-detail"),
    path(f"{W}/eas-services/<int:service_id>/status/", resources_eas.eas_service_status, name="eas-service-status"),
    path(f"{W}/dlc-jobs/", resources_dlc.dlc_job_list, name="dlc-job-list"),
    path(f"{W}/dlc-jobs/<int:job_id>/", resources_dlc.dlc_job_detail, name="dlc-job-detail"),
    path(f"{W}/dlc-jobs/<int:job_id>/status/", resources_dlc.dlc_job_status, name="dlc-job-status"),
    path(f"{W}/dsw-instances/", resources_dsw.dsw_list, name="dsw-list"),
    path(f"{W}/dsw-instances/<int:instance_id>/", resources_dsw.dsw_detail, name="dsw-detail"),
    path(f"{W}/dsw-instances/<int:instance_id>/status/", resources_dsw.dsw_status, name="dsw-status"),
    path(f"{W}/dsw-instances/<int:instance_id>/image/", resources_dsw.dsw_image, name="dsw-image"),
    path(f"{W}/flow-tasks/", resources_flow.flow_task_list, name="flow-task-list"),
    path(f"{W}/flow-tasks/<int:task_id>/", resources_flow.flow_task_detail, name="flow-task-detail"),
    path(f"{W}/flow-tasks/<int:task_id>/status/", resources_flow.flow_task_status, name="flow-task-status"),
]
