"""Sign in and sign out (Django's own views, with the console's templates)."""

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the user menu's Sign out button posts here; then back to the sign-in
    page (settings.LOGOUT_REDIRECT_URL)."""
