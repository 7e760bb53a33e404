#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.SECRET_KEY  # noqa: B018  (reading the settings is the check)
    except ImproperlyConfigured as exc:
        # Django would otherwise go on and fail later with "Models aren't loaded yet".
        sys.exit(f"{exc}\nFor local work, set DEBUG=1 (as `make demo` does).")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
