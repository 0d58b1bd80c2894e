"""Model classes (plain Python, no Kedro): trained by the pipelines, used by the service."""
