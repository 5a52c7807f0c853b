"""Pages that join maturity gaps with funnel throughput."""
