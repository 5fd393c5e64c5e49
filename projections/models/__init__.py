"""The read models of the ledger, one module each (listed in projections.registry)."""
