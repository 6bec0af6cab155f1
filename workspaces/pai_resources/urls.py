"""Console pages of the simulated PAI resources (section 3 of PRODUCT.md). Every kind's list, detail
page and status change are the generic views of `views/kinds.py` (the kind named in the route); a
model version's approval and a DSW instance's image have routes of their own."""

from django.urls import path

from workspaces.pai_resources.views import dsw as resources_dsw
from workspaces.pai_resources.views import model_registry as resources_models
from workspaces.pai_resources.views.kinds import resource_detail, resource_list, resource_status

W = "workspaces/<int:workspace_id>"

urlpatterns = [
    path(f"{W}/models/", resource_list, {"kind": "model"}, name="model-list"),
    path(f"{W}/models/<int:model_id>/", resource_detail, {"kind": "model"}, name="model-detail"),
    path(f"{W}/models/<int:model_id>/versions/<int:version_id>/status/", resources_models.model_version_status,
         name="model-version-status"),
    path(f"{W}/eas-services/", resource_list, {"kind": "eas"}, name="eas-service-list"),
    path(f"{W}/eas-services/<int:service_id>/", resource_detail, {"kind": "eas"}, name="eas-service-detail"),
    path(f"{W}/eas-services/<int:service_id>/status/", resource_status, {"kind": "eas"}, name="eas-service-status"),
    path(f"{W}/dlc-jobs/", resource_list, {"kind": "dlc"}, name="dlc-job-list"),
    path(f"{W}/dlc-jobs/<int:job_id>/", resource_detail, {"kind": "dlc"}, name="dlc-job-detail"),
    path(f"{W}/dlc-jobs/<int:job_id>/status/", resource_status, {"kind": "dlc"}, name="dlc-job-status"),
    path(f"{W}/dsw-instances/", resource_list, {"kind": "dsw"}, name="dsw-list"),
    path(f"{W}/dsw-instances/<int:instance_id>/", resource_detail, {"kind": "dsw"}, name="dsw-detail"),
    path(f"{W}/dsw-instances/<int:instance_id>/status/", resource_status, {"kind": "dsw"}, name="dsw-status"),
    path(f"{W}/dsw-instances/<int:instance_id>/image/", resources_dsw.dsw_image, name="dsw-image"),
    path(f"{W}/flow-tasks/", resource_list, {"kind": "flow"}, name="flow-task-list"),
    path(f"{W}/flow-tasks/<int:task_id>/", resource_detail, {"kind": "flow"}, name="flow-task-detail"),
    path(f"{W}/flow-tasks/<int:task_id>/status/", resource_status, {"kind": "flow"}, name="flow-task-status"),
]
