"""/api/v1/auth/token/: exchange a username and password for the user's API token (created when
missing), or revoke it. Tokens are also made on the API Tokens page and by `manage.py
drf_create_token <username>`."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from console.api import serializers as api_serializers
from console.api.errors import ErrorResponseSerializer
from workspaces.iam.services.users import api_token_get, api_token_issue, api_token_revoke


class TokenObtainSerializer(api_serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, write_only=True)


class TokenSerializer(api_serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class TokenObtainThrottle(AnonRateThrottle):
    """Slows password guessing: per client address, counted in the cache."""

    rate = "30/minute"


class TokenView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        return [TokenObtainThrottle()] if self.request.method == "POST" else []

    def get_authenticators(self):
        # The POST carries the credentials in its body: no session, so no CSRF check either.
        return [] if self.request and self.request.method == "POST" else super().get_authenticators()

    def get_authenticate_header(self, request):
        # The POST has no authenticators; naming the scheme keeps its 401 a 401 (DRF turns a 401
        # without WWW-Authenticate into a 403).
        return "Token"

    @extend_schema(
        summary="Obtain your API token with username and password",
        description="Returns the caller's token, creating it once; send it as `Authorization: Token <key>`.",
        auth=[],
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorResponseSerializer, description="A field is missing."),
            401: OpenApiResponse(ErrorResponseSerializer, description="Wrong username or password."),
            429: ErrorResponseSerializer,
        },
    )
    def post(self, request):
        data = TokenObtainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Django's request, not DRF's: the sign-in lockout (django-axes) marks it, and its middleware
        # answers 429 for a locked-out name or address.
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise AuthenticationFailed("Wrong username or password.")
        token = api_token_get(user=user) or api_token_issue(user=user)
        return Response(TokenSerializer({"token": token.key}).data)

    @extend_schema(summary="Revoke your API token",
                   description="Deletes the token that authenticated this request; a new one can be obtained.",
                   request=None,
                   responses={204: None, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer})
    def delete(self, request):
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
