"""Hit reports: what citizens report, routing to the unit, the delivery outbox and worker."""
