"""/api/v1/contacts/: the account's message receiving settings. A contact in use cannot be deleted
(409, naming the rules)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.accounts import account_of
from console.api import Conflict, requested_field
from console.api import serializers as api_serializers
from console.api.errors import errors
from notifications.selectors.rules import contact_get, contacts_visible_to
from notifications.services import contacts as contact_services
from notifications.services.contacts import MOBILE_HELP, ContactInUse


class ContactInputSerializer(api_serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    mobile = serializers.CharField(max_length=64, allow_blank=True, required=False, default="",
                                   help_text=f"{MOBILE_HELP[0].upper()}{MOBILE_HELP[1:]}.")
    email = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")


class ContactSerializer(api_serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mobile = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    target_units = serializers.IntegerField(help_text="Target units this contact uses across rules.")
    created_at = serializers.DateTimeField()


def contact_data(contact) -> dict:
    return {"id": contact.pk, "name": contact.name, "mobile": contact.mobile, "email": contact.email,
            "target_units": contact.target_links.count(), "created_at": contact.created_at}


class ContactListCreateView(generics.ListAPIView):
    serializer_class = ContactSerializer

    def get_queryset(self):
        return contacts_visible_to(actor=self.request.user, account=account_of(self.request.user)).order_by("name")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([contact_data(c) for c in page])

    @extend_schema(summary="List contacts", responses={200: ContactSerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Create a contact", request=ContactInputSerializer,
                   responses={201: ContactSerializer, **errors(400)})
    def post(self, request):
        contact_services.contact_create.authorize(request.user, account=account_of(request.user),
                                                  name=requested_field(request, "name"))
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = contact_services.contact_create(actor=request.user, account=account_of(request.user),
                                                  **data.validated_data)
        return Response(contact_data(contact), status=status.HTTP_201_CREATED)


class ContactDetailView(APIView):
    @extend_schema(summary="Read a contact", responses={200: ContactSerializer, **errors(404)})
    def get(self, request, contact_id):
        account = account_of(request.user)
        contacts_visible_to.authorize(request.user, account=account)
        return Response(contact_data(contact_get(account=account, contact_id=contact_id)))

    @extend_schema(summary="Change a contact", request=ContactInputSerializer,
                   responses={200: ContactSerializer, **errors(400, 404)})
    def put(self, request, contact_id):
        contact = contact_get(account=account_of(request.user), contact_id=contact_id)
        contact_services.contact_update.authorize(request.user, contact=contact, name=requested_field(request, "name"))
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = contact_services.contact_update(actor=request.user, contact=contact, **data.validated_data)
        return Response(contact_data(contact))

    @extend_schema(summary="Delete a contact", description="Refused (409) while rules use the contact.",
                   responses={204: None, **errors(404, 409)})
    def delete(self, request, contact_id):
        contact = contact_get(account=account_of(request.user), contact_id=contact_id)
        try:
            contact_services.contact_delete(actor=request.user, contact=contact)
        except ContactInUse as exc:
            raise Conflict(exc.messages[0])
        return Response(status=status.HTTP_204_NO_CONTENT)



