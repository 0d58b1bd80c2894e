"""Report building blocks (plain functions; the Kedro reporting pipeline wires them)."""
