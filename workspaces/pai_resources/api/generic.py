"""The endpoints every resource kind has in the same shape, made per kind: its list with create, one
read, and a state change (`POST .../status/` and the like). A kind passes its serializers, selectors
and services, and its own words for the schema where the generic ones would say less."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api.errors import errors

from .common import WorkspaceScoped, requested_name, state_change


def _named(view, name: str):
    view.__name__ = view.__qualname__ = name
    return view


def list_view(name, serializer, list_selector, create_serializer, create_service, create_authorize, noun, *,
              created_serializer=None, list_summary: str = "", list_description: str = "",
              create_summary: str = "", create_description: str = ""):
    """List + create. `create_service(workspace=, actor=, **validated data)`; the permission is checked
    (`create_authorize`) before the body is read. The answer to a create is `created_serializer`
    (default: `serializer`)."""
    created_serializer = created_serializer or serializer

    class View(WorkspaceScoped, generics.ListAPIView):
        serializer_class = serializer

        def get_queryset(self):
            return list_selector(workspace=self.workspace, actor=self.request.user)

        @extend_schema(summary=list_summary or f"List {noun}s",
                       description=list_description or f"The workspace's {noun}s, newest first, with their status.",
                       responses={200: serializer(many=True), **errors(404)})
        def get(self, request, *args, **kwargs):
            return super().get(request, *args, **kwargs)

        @extend_schema(summary=create_summary or f"Create a {noun}", request=create_serializer,
                       description=create_description or f"A new {noun} of this workspace, created by the caller; "
                                                         "its status changes go through POST .../status/.",
                       responses={201: created_serializer, **errors(400, 404)})
        def post(self, request, *args, **kwargs):
            create_authorize(actor=request.user, workspace=self.workspace, name=requested_name(request))
            data = create_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            obj = create_service(workspace=self.workspace, actor=request.user, **data.validated_data)
            return Response(created_serializer(obj).data, status=status.HTTP_201_CREATED)

    return _named(View, name)


def detail_view(name, serializer, getter, id_kwarg, noun, *, summary: str = "", description: str = ""):
    """One, by its id in the URL (`getter(workspace=, actor=, <id_kwarg>=)`)."""

    class View(WorkspaceScoped, generics.RetrieveAPIView):
        serializer_class = serializer

        def get_object(self):
            return getter(workspace=self.workspace, actor=self.request.user, **{id_kwarg: self.kwargs[id_kwarg]})

        @extend_schema(summary=summary or f"Read a {noun}",
                       description=description or f"One {noun} of this workspace with its status.",
                       responses={200: serializer, **errors(404)})
        def get(self, request, *args, **kwargs):
            return super().get(request, *args, **kwargs)

    return _named(View, name)


def change_view(name, serializer, getter, id_kwarg, input_serializer, field, change, object_kwarg, summary, *,
                description: str = ""):
    """A state change: `change(<object_kwarg>=one, <field>=the state to enter, actor=)`; a move the
    current state does not allow is 409 (`state_change`)."""

    class View(WorkspaceScoped, APIView):
        @extend_schema(summary=summary, request=input_serializer,
                       description=description or (
                           f"`{field}` is the state to enter; each state entered raises its event. A move the "
                           "current state does not allow is 409: `current` names the state and `allowed` the "
                           "states it may move to."),
                       responses={200: serializer, **errors(400, 404, 409)})
        def post(self, request, *args, **kwargs):
            obj = getter(workspace=self.workspace, actor=request.user, **{id_kwarg: kwargs[id_kwarg]})
            data = input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            state_change(lambda: change(**{object_kwarg: obj, field: data.validated_data[field]},
                                        actor=request.user))
            return Response(serializer(obj).data)

    return _named(View, name)
