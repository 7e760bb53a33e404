from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "导入"

    def ready(self):
        from imports import audit  # noqa: F401  (connects the history source label)
