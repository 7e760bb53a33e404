"""Query helpers shared by the importers."""

IN_CHUNK = 5000  # SQLite allows about 32k parameters per query


def chunked_in(queryset, field: str, values):
    """The queryset filtered on `field IN values`, as one query per chunk of values."""
    values = sorted(set(values))
    for start in range(0, len(values), IN_CHUNK):
        yield queryset.filter(**{f"{field}__in": values[start : start + IN_CHUNK]})
