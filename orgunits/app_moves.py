"""Moving models between apps without touching their tables (used by migrations).

Django keys permissions, admin log entries and group grants on a model's content type. Renaming
the content type's app in place keeps every one of them pointing at the moved model, so a grant
such as `view_personal_data` keeps working under its new app label.
"""


def content_types_mover(old_app: str, new_app: str, models: list[str]):
    """A RunPython pair that moves the content types of `models` (lower-case names) between apps."""

    def relabel(source: str, target: str):
        def run(apps, schema_editor):
            content_types = apps.get_model("contenttypes", "ContentType")
            content_types.objects.using(schema_editor.connection.alias).filter(
                app_label=source, model__in=models
            ).update(app_label=target)

        return run

    return relabel(old_app, new_app), relabel(new_app, old_app)
