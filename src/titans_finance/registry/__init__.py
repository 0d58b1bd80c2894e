"""Publishing models: the BentoML store, the manifest of the versions a checkout serves and
the SHA-256 of each artefact's bytes. Used by the package and retrain pipelines (which
publish) and by the service (which loads only what the manifest names)."""
