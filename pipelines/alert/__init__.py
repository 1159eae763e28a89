"""Alerts when targets slip: rules over the published warehouse, episodes with reminders and
recoveries, routed to each unit's people, delivered from an outbox (e-mail, JSON webhook)."""
