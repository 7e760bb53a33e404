from django.apps import AppConfig


class OrgunitsConfig(AppConfig):
    name = "orgunits"
    verbose_name = "组织机构"

    def ready(self):
        from registry import audit  # noqa: F401  (connects the history source label)
