"""Operations surface: liveness/readiness probes and Prometheus metrics (docs/operations.md)."""
