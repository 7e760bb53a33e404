from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "账号与管辖范围"
