"""The admin app, with MPP Desk's site (``accounts.admin_site``). Kept apart from the site so
that loading ``INSTALLED_APPS`` imports no model."""

from django.contrib.admin.apps import AdminConfig


class MppDeskAdminConfig(AdminConfig):
    default_site = "mppdesk.accounts.admin_site.MppDeskAdminSite"
