"""Signals for the apps above the tree, which the tree may not import."""

from django.dispatch import Signal

# Sent inside the transaction that closes units by a division change, with `unit_ids` and `on`
# (the closing date). A receiver ends what hangs on those units (rosters: terms and appointments)
# and returns {"totals": Counter, "appointments_by_unit": Counter}; raising stops the whole change.
units_closed = Signal()
