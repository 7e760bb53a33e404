"""What the sweep asked, counted as it asks, and printed at the end of the run (tests/security/conftest.py)."""

from collections import Counter

COUNTS: Counter = Counter()
# Set once by the page sweep: how many URL patterns the resolver has and how many of them were swept.
FACTS: dict = {}


def count(what: str, n: int = 1) -> None:
    COUNTS[what] += n


def summary_lines() -> list[str]:
    if not COUNTS:
        return []
    c, lines = COUNTS, []
    if FACTS:
        lines.append(
            f"{FACTS['patterns']} URL patterns in the resolver, {FACTS['swept']} swept "
            f"(open to anyone and not swept: {', '.join(FACTS['public'])}); {FACTS['personas']} personas"
        )
    if c["pages"]:
        lines.append(
            f"pages: {c['page urls']} distinct URLs (an object of hers, a foreign one, a missing id, or none), "
            f"{c['pages']} (persona, URL) pairs × 2 methods: {c['GET']} GET + {c['POST']} POST "
            f"({c['POST foreign key']} of them her own forms with a foreign or a missing id in a foreign key)"
        )
    if c["unassigned pages"]:
        lines.append(
            f"the user with every model permission and no assignment: {c['unassigned pages']} pages, "
            f"{c['unassigned lists empty']} lists, figures or choices among them checked empty"
        )
    if c["lookup GET"]:
        lines.append(
            f"lookups: {c['lookup fields']} field paths on {c['changelists']} changelists × 4 lookups × "
            f"{FACTS.get('personas', '?')} personas + {c['lookup nobody']} pages for a value nobody has = "
            f"{c['lookup GET']} GET; {c['lookup compared']} answers with no row compared with those"
        )
    total = c["GET"] + c["POST"] + c["lookup GET"]
    lines.append(f"requests: {total}")
    return lines
