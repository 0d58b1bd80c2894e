"""BentoML service: the trained models behind authenticated, validated REST endpoints."""
